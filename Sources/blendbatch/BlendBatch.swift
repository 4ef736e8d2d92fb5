import ArgumentParser
import AWSCore
import Foundation
import RenderPlan

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
        version: UserAgent.version,
        subcommands: [
            InfoCommand.self, RenderCommand.self, EstimateCommand.self, RunCommand.self, ReplCommand.self, RecipesCommand.self,
            StatusCommand.self, CancelCommand.self, ResumeCommand.self, ChaosCommand.self,
            WorkerCommand.self, PlanCommand.self, StoreCommand.self, AWSCommand.self, ExportCommand.self,
            FISCommand.self, ConfigCommand.self, ReportCommand.self, TaskHookCommand.self,
        ]
    )

    /// Logging is set up before any subcommand runs, so no command logs to stdout (which carries results),
    /// and `--log-level LEVEL` works with every subcommand, in any position.
    ///
    /// `blendbatch SUB …` is parsed by SUB alone (its configuration names `blendbatch` as its super
    /// command, so usage and help read the same): ArgumentParser then reflects one command instead
    /// of the whole tree and skips its completion-script probe, which halves the start-up of short
    /// commands such as `info`. Anything else (`--help`, `help SUB`, completion scripts) goes
    /// through the root.
    static func main() async {
        LoggingBootstrap.once(LoggingBootstrap.levelFromCommandLine())
        let arguments = LoggingBootstrap.withoutLogLevel(Array(CommandLine.arguments.dropFirst()))
        let direct = arguments.first.flatMap { name in
            configuration.subcommands.first { $0.configuration.commandName == name && $0.configuration._superCommandName != nil }
        }
        do {
            var command: any ParsableCommand
            if let direct { command = try direct.parseAsRoot(Array(arguments.dropFirst())) } else { command = try parseAsRoot(arguments) }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let end as CommandEnd {
            if let message = end.message { printError("blendbatch: \(message)") }
            Foundation.exit(end.code)
        } catch {
            guard let direct else { exit(withError: error) }
            exitDirect(direct, withError: error)
        }
    }

    /// `exit(withError:)` for a subcommand parsed on its own, with `blendbatch` put back into the
    /// "See 'SUB --help'" hint ArgumentParser writes from the command stack alone.
    static func exitDirect(_ command: any ParsableCommand.Type, withError error: any Error) -> Never {
        let code = command.exitCode(for: error)
        let name = command.configuration.commandName ?? ""
        let message = command.fullMessage(for: error)
            .replacingOccurrences(of: "See '\(name) ", with: "See 'blendbatch \(name) ")
        if !message.isEmpty {
            if code == .success { print(message) } else { StandardStream.error.write(message + "\n") }
        }
        Foundation.exit(code.rawValue)
    }
}
