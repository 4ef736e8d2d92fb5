import ArgumentParser
import Executors
import Foundation
import ObjectStore
import RenderPlan

/// `blendbatch status [JOB]`: where a local job stands, from any process, also after a crash.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", _superCommandName: "blendbatch",
        abstract: "Show a job's progress: frames in the store, tasks, retries, failed frames.",
        discussion: """
        JOB is a job id (as printed by 'render'), a job folder (<out>/.blendbatch/jobs/<id>), or 'latest' \
        (the default). Ids are found under --out, then in the state directory of jobs rendering to s3:// \
        ($BLENDBATCH_STATE_DIR, else $XDG_STATE_HOME/blendbatch/jobs), then in the list of recent jobs \
        ($XDG_STATE_HOME/blendbatch/jobs.tsv). Works while the job runs, after it ended, and after its \
        controller died (state 'interrupted': run 'blendbatch resume JOB').
        """)

    @Argument(help: "Job id, job folder, or 'latest'.")
    var job: String = "latest"

    @Option(help: "The output folder the job renders into (where .blendbatch/jobs/ lives).")
    var out: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() async throws {
        if let onScheduler = try await SchedulerJobs.find(job, out: out) { return try await SchedulerJobs.status(onScheduler, json: json) }
        let folder = try JobLookup.folder(job, out: out)
        let status: JobStatus
        do { status = try await JobControl.status(folder: folder) } catch let error as StoreError {
            throw CommandEnd(.storeError, error.description)
        } catch { throw CommandEnd(.dataError, "\(folder.path): \(error)") }
        if json { try printJSON(status) } else { print(status.summaryLines.joined(separator: "\n")) }
    }
}

/// `blendbatch cancel JOB`: stop a local job from another terminal.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", _superCommandName: "blendbatch",
        abstract: "Cancel a job: its tasks get SIGTERM, then SIGKILL; finished frames stay.",
        discussion: """
        A running controller is asked to stop (it stops its tasks and records the end). When the \
        controller is gone, the processes it left behind are found through the job's journal and \
        stopped here. 'blendbatch resume JOB' continues a cancelled job later.
        """)

    @Argument(help: "Job id, job folder, or 'latest'.")
    var job: String = "latest"

    @Option(help: "The output folder the job renders into.")
    var out: String?

    @Flag(help: "Print the status afterwards as JSON.")
    var json = false

    func run() async throws {
        if let onScheduler = try await SchedulerJobs.find(job, out: out) { return try await SchedulerJobs.cancel(onScheduler, json: json) }
        let folder = try JobLookup.folder(job, out: out)
        let status: JobStatus
        do { status = try await JobControl.cancel(folder: folder) } catch let error as ExecutorError {
            throw CommandEnd(error.exitCode, error.description)
        } catch { throw CommandEnd(.failure, "\(folder.path): \(error)") }
        if json { try printJSON(status) } else { print(status.summaryLines.joined(separator: "\n")) }
        if status.controllerAlive { throw CommandEnd(.failure, "the controller did not stop within 30 s; try again, or kill pid in \(folder.lockPath)") }
    }
}

/// `blendbatch resume JOB`: finish a job that was cancelled, failed or whose controller died.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", _superCommandName: "blendbatch",
        abstract: "Finish a job: stop its orphaned processes, render only missing frames, stitch.",
        discussion: """
        Resumes from the job folder alone: the manifest says what to render, the store says what is \
        already there, the journal names the process groups a dead controller left running (they are \
        stopped first). Frames already in the store are never rendered again.
        """)

    @Argument(help: "Job id, job folder, or 'latest'.")
    var job: String = "latest"

    @Option(help: "The output folder the job renders into.")
    var out: String?

    @Option(help: "Parallel tasks (default: as when rendering, from the core count).")
    var workers: Int?

    @Option(help: "The Blender to run (default: $BLENDBATCH_BLENDER, then 'blender' on PATH).")
    var blender: String?

    @Flag(help: "Print the end summary as JSON.")
    var json = false

    @Flag(help: "For a job on a scheduler (AWS Batch, Slurm): follow it to its end after submitting it again.")
    var wait = false

    func run() async throws {
        if let onScheduler = try await SchedulerJobs.find(job, out: out) {
            return try await SchedulerJobs.resume(onScheduler, json: json, wait: wait)
        }
        let folder = try JobLookup.folder(job, out: out)
        var configuration = LocalExecutor.Configuration()
        if let workers { configuration.workers = max(1, workers) }
        if let blender { configuration.environment["BLENDBATCH_BLENDER"] = blender }
        let handle: LocalJobHandle
        do { handle = try await LocalExecutor(configuration: configuration).resume(folder) } catch let error as ExecutorError {
            throw CommandEnd(error.exitCode, error.description)
        } catch let error as StoreError {
            throw CommandEnd(.storeError, error.description)
        }
        let code = await JobSignals.watch(handle, json: json, label: "resuming")
        try CommandEnd.unlessSuccess(code)
    }
}

/// Finding a job folder from what the user typed, with an error that says what to try.
enum JobLookup {
    static func folder(_ job: String, out: String?) throws -> JobFolder {
        do { return try JobFolder.find(job, output: out) } catch {
            throw CommandEnd(.noInput, "\(error)")
        }
    }
}
