import ArgumentParser

/// The `blendbatch` command line: argument parsing only; the work lives in the library targets.
@main
struct BlendBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blendbatch",
        abstract: "Render Blender projects in a distributed, fault-tolerant way, scripted in Lua.",
        discussion: """
            Every subcommand takes --log-level LEVEL (trace … critical; or $BLENDBATCH_LOG_LEVEL): \
            diagnostics go to stderr, quiet by default. Start with 'blendbatch render FILE' or \
            'blendbatch info FILE'; 'blendbatch help <subcommand>' explains each.
            """,
        version: "0.1.0",
        subcommands: [
            InfoCommand.self, RenderCommand.self, RunCommand.self, ReplCommand.self, RecipesCommand.self,
            StatusCommand.self, CancelCommand.self, ResumeCommand.self, ChaosCommand.self,
            WorkerCommand.self, PlanCommand.self, StoreCommand.self, AWSCommand.self, ExportCommand.self,
            FISCommand.self,
        ]
    )

    /// Logging is set up before any subcommand runs, so no command logs to stdout (which carries results),
    /// and `--log-level LEVEL` works with every subcommand, in any position.
    static func main() async {
        LoggingBootstrap.once(LoggingBootstrap.levelFromCommandLine())
        do {
            var command = try parseAsRoot(LoggingBootstrap.withoutLogLevel(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
