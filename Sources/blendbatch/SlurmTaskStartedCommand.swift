import ArgumentParser
import Executors
import Foundation

/// `blendbatch slurm-task-started`: the first step of a Slurm task's batch script (not for people).
/// Records the attempt's start in the job folder and prints its number, which the script hands the
/// worker (`AWS_BATCH_JOB_ATTEMPT`).
struct SlurmTaskStartedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-task-started", _superCommandName: "blendbatch",
        abstract: "Record the start of a Slurm task's attempt and print its number (run by the task's batch script).",
        shouldDisplay: false)

    func run() throws {
        guard let task = SlurmTaskIdentity(environment: ProcessInfo.processInfo.environment) else {
            throw CommandEnd(.usage, "not a Slurm task of blendbatch (no BLENDBATCH_JOB_FOLDER or SLURM_JOB_ID)")
        }
        do { print(try SlurmAttemptRecord.started(task)) } catch {
            throw CommandEnd(.ioError, "cannot record the attempt in \(task.folder.path): \(error)")
        }
    }
}
