import Executors
import Foundation
import ObjectStore
import Render
import RenderPlan
import Scripting

/// `render --backend NAME`, `status`, `cancel`, `resume` and `report` for jobs on a scheduler (AWS
/// Batch, Slurm), through ``Backends``: the job's record says which scheduler runs it.
enum SchedulerJobs {
    /// What a backend gets from the command line: the process's AWS settings, notes on stderr (ending
    /// the upload bar first), and the studio config's defaults.
    static func context(upload: TransferProgress? = nil) throws -> BackendContext {
        let studio = try RecipeExecution.studioConfig().defaults
        var defaults: [String: RequestValue] = [:]
        if let queue = studio.queue { defaults["queue"] = .string(queue) }
        if let definition = studio.jobDefinition { defaults["job_definition"] = .string(definition) }
        let notice: @Sendable (String) -> Void = { line in
            upload?.finish()  // a line of its own, not over the bar
            printError("blendbatch: " + line)
        }
        var progress: (@Sendable (Int, Int, Int64, Int64) -> Void)?
        if let upload { progress = { upload.report(done: $0, total: $1, bytesDone: $2, bytesTotal: $3) } }
        return BackendContext(notice: notice, uploadProgress: progress, defaults: defaults)
    }

    /// The job on a scheduler that `job` names (an id, or a job folder under `out`); nil for a job of this machine.
    static func find(_ job: String, out: String?) async throws -> (any DetachedJob)? {
        let folder = try? JobFolder.find(job, output: out)
        let context = try context()
        do { return try await Backends.find(job, folder: folder, context: context) } catch { throw CommandEnd(error.code, error.message) }
    }

    /// Lines about where `job` runs.
    static func lines(_ job: any DetachedJob) -> [String] { Backends.of(job).describe(job) }

    /// Print a submitted job (its id, or its record with `json`); with `wait`, follow it to its end
    /// (stopping it at `spendLimit`), write its final report and print its summary. The exit code
    /// `render` gives it.
    static func submitted(_ job: any DetachedJob, wait: Bool, json: Bool, spendLimit: AWSSpendLimit? = nil) async throws -> Int32 {
        guard wait else {
            if json { try printJSON(job.submission) } else {
                print(job.id)
                printError(lines(job).joined(separator: "\n"))
            }
            return 0
        }
        if !json { printError("job \(job.id) submitted\n" + lines(job).joined(separator: "\n")) }
        let bar = ProgressBar(label: "rendering on \(Backends.of(job).label)", total: Set(job.manifest.allFrames).count, job: job.id)
        let progress = SchedulerProgress()
        let watch = spendLimit.flatMap { limit in (job as? AWSBatchJobHandle).map { handle in
            Task { await limit.watch(handle) { printError("blendbatch: " + $0) } }
        } }
        defer { watch?.cancel() }
        let report = await job.wait { event in
            switch event {
            case .frameDone(_, let done, _): bar.update(done: done, detail: progress.set(done: done))
            case .message(let line): bar.update(done: progress.done, detail: progress.set(line: line))
            default: break
            }
        }
        bar.finish()
        // The final report: in the job folder, and beside the video (best effort: the job is done either way).
        if let builder = try? await job.reportBuilder(status: report) {
            _ = try? await ReportFile.write(builder, to: ReportFile.path(in: builder.jobFolder), store: job.store)
        }
        if json { try printJSON(report) } else { print(report.summaryLines.joined(separator: "\n")) }
        return JobWatch.exitCode(report)
    }

    /// `status` of a job on a scheduler. A job that failed (also one the scheduler calls succeeded
    /// with frames missing from the store) ends with its failure code.
    static func status(_ job: any DetachedJob, json: Bool) async throws {
        var status: JobStatus
        do {
            status = try await job.currentStatus()
            status.frameMetrics = try await FrameMetrics.read(job: job.id, store: job.store)
        } catch { throw problem(error, job) }
        if json { try printJSON(status) } else { print((status.summaryLines + lines(job)).joined(separator: "\n")) }
        if status.state == .failed { throw CommandEnd(status: JobWatch.exitCode(status)) }
    }

    static func cancel(_ job: any DetachedJob, json: Bool) async throws {
        await job.cancel()
        let status = await job.status()
        if json { try printJSON(status) } else { print((status.summaryLines + lines(job)).joined(separator: "\n")) }
    }

    /// Submit again the chunks with frames missing from the store; with `wait`, follow the job.
    static func resume(_ job: any DetachedJob, json: Bool, wait: Bool) async throws {
        let missing: Int
        do {
            let done = try await job.framesInStore()
            missing = job.manifest.chunks.filter { $0.frames.contains { !done.contains($0) } }.count
        } catch { throw problem(error, job) }
        let resumed: (any DetachedJob)?
        let context = try context()
        do { resumed = try await Backends.of(job).resume(job, context: context) } catch { throw CommandEnd(error.code, error.message) }
        guard let resumed else {
            print("job \(job.id): every frame is in the store and the stitch succeeded; nothing to resume")
            return
        }
        if json, !wait { return try printJSON(resumed.submission) }
        if !json { print((["job \(job.id): resubmitted \(missing) chunk(s) with missing frames"] + lines(resumed)).joined(separator: "\n")) }
        if wait { try CommandEnd.unlessSuccess(try await submitted(resumed, wait: true, json: json)) }
    }

    /// The report's sources of a job on a scheduler.
    static func reportSource(_ job: any DetachedJob) async throws -> (JobReportBuilder, any ObjectStore) {
        do { return (try await job.reportBuilder(status: try await job.currentStatus()), job.store) } catch { throw problem(error, job) }
    }

    /// A failure reading `job` from its scheduler or store, as one line.
    static func problem(_ error: any Error, _ job: any DetachedJob) -> CommandEnd {
        let problem = Backends.of(job).problem(error, doing: "reading job \(job.id) from \(Backends.of(job).label) and \(job.manifest.output.location)")
        return CommandEnd(problem.code, problem.message)
    }
}

/// Frames done and the scheduler's latest summary line, for the progress bar (events come from one task).
final class SchedulerProgress: @unchecked Sendable {
    // Sendable: fields are only touched under `lock`.
    private let lock = NSLock()
    private var frames = 0
    private var line = ""
    var done: Int { lock.withLock { frames } }
    func set(done: Int) -> String { lock.withLock { frames = done; return line } }
    func set(line: String) -> String { lock.withLock { self.line = line; return line } }
}
