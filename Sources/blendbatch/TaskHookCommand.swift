import ArgumentParser
import Executors
import RenderPlan

/// `blendbatch task-hook BACKEND STEP [ARG…]`: a step a scheduler's task runs around the worker on
/// the cluster (not for people): on Slurm, `started` records the attempt and prints its number,
/// `ended CODE` applies the retry policy.
struct TaskHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task-hook", _superCommandName: "blendbatch",
        abstract: "Run a scheduler task's step around its worker (run by the task's batch script).",
        shouldDisplay: false)

    @Argument(help: "The backend whose task this is (slurm).")
    var backend: String

    @Argument(help: "The step, and its arguments.")
    var step: [String]

    func run() throws {
        do {
            let (output, note) = try Backends.taskHook(backend: backend, step)
            if let output { print(output) }
            if let note { printError("blendbatch: " + note) }
        } catch let error as RenderRequest.Problem { throw CommandEnd(error.code, error.message) }
    }
}
