import ArgumentParser
import Executors

/// `blendbatch slurm-task-ended CODE`: the last line of a Slurm task's batch script (not for people).
struct SlurmTaskEndedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-task-ended", _superCommandName: "blendbatch",
        abstract: "Apply the retry policy after a Slurm task's worker ended (run by the task's batch script).",
        shouldDisplay: false)

    @Argument(help: "The worker's exit code.")
    var code: Int32

    func run() throws {
        let decision = SlurmTaskEnd.handle(code: code)
        switch decision {
        case .done: break
        case .requeue(let counted): printError("blendbatch: exit \(code): requeued\(counted ? " (counted against the retry budget)" : " (an interruption: not counted)")")
        case .fail(let reason): printError("blendbatch: exit \(code): not retried: \(reason)")
        }
    }
}
