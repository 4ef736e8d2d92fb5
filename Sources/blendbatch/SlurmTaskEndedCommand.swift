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
        if decision != .done { printError("blendbatch: " + decision.summary(code: code)) }
    }
}
