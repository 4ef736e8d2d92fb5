import ArgumentParser

/// The `blendbatch` command line: argument parsing only; the work lives in the library targets.
@main
struct BlendBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blendbatch",
        abstract: "Render Blender projects in a distributed, fault-tolerant way, scripted in Lua.",
        version: "0.1.0",
        subcommands: [
            InfoCommand.self, RenderCommand.self, RunCommand.self, ReplCommand.self, RecipesCommand.self,
            StatusCommand.self, CancelCommand.self, ResumeCommand.self, ChaosCommand.self,
            WorkerCommand.self, PlanCommand.self, StoreCommand.self, AWSCommand.self, ExportCommand.self,
            FISCommand.self,
        ]
    )
}
