import AWSCore
import AWSServices
import Executors
import Foundation
import ObjectStore
import Render
import RenderPlan

/// `status`, `cancel` and `resume` for jobs submitted to AWS Batch: found in this machine's AWS job
/// index by job id (or by the Batch id of their render or stitch job).
enum AWSJobCommands {
    /// The AWS job `job` names, or nil when it is not an AWS job known here.
    static func handle(_ job: String) async throws -> (AWSBatchJobHandle, AWSBatchExecutor)? {
        guard let record = AWSJobIndex.default.record(job) else { return nil }
        let client = makeAWSClient()
        let batch = BatchClient(client: client)
        let executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: record.queue, jobDefinition: record.jobDefinition),
                                        openStore: { StoreFactory.open($0, client: client) })
        do {
            let store = StoreFactory.open(try StoreLocation(parsing: record.output), client: client)
            return (try await AWSBatchJobHandle.open(record: record, batch: batch, store: store), executor)
        } catch {
            throw awsEnd(error, doing: "reading job \(record.id) from \(record.output)")
        }
    }

    /// Submit the job (uploading a local .blend and its files, with a progress bar, and writing the manifest
    /// beside the output); throws a `CommandEnd` on failure. `file` is the release that saved the .blend: the job
    /// definition must be able to open it.
    static func submit(_ manifest: JobManifest, file: AWSWorkerChoice.File?, queue: String, jobDefinition: String?,
                       allowOlderBlender: Bool, budget: (AWSSpendLimit, CostEstimate)?) async throws -> AWSBatchJobHandle {
        let client = makeAWSClient()
        var executor = AWSBatchExecutor(
            batch: BatchClient(client: client),
            settings: AWSBatchSettings(queue: queue, jobDefinition: jobDefinition ?? AWSBatchSettings.defaultJobDefinition,
                                       allowOlderBlender: allowOlderBlender),
            openStore: { StoreFactory.open($0, client: client) })
        let upload = TransferProgress(label: "uploading the .blend and its files")
        executor.uploadProgress = { upload.report(done: $0, total: $1, bytesDone: $2, bytesTotal: $3) }
        executor.notice = { line in
            upload.finish()  // a line of its own, not over the bar
            printError("blendbatch: " + line)
        }
        if manifest.chunks.count > AWSBatchExecutor.maxArraySize {
            let grouped = manifest.groupedForBatch(maxChunks: AWSBatchExecutor.maxArraySize)
            printError("blendbatch: \(manifest.chunks.count) chunks are more than an AWS Batch array holds (10,000); "
                + "submitting \(grouped.chunks.count) tasks of up to \((manifest.chunks.count + grouped.chunks.count - 1) / grouped.chunks.count) chunks "
                + "(pass a larger --chunk to choose yourself)")
        }
        let handle: AWSBatchJobHandle
        do { handle = try await executor.submitJob(manifest, file: file) } catch {
            upload.finish()
            throw awsEnd(error, doing: "submitting job \(manifest.id) to \(queue)")
        }
        upload.finish()
        if let budget {
            await AWSSpendLimit.update(handle) { $0.estimate = budget.1; $0.budget = .init(maxCostUSD: budget.0.maxUSD, stopped: false) }
        }
        return handle
    }

    /// Print a submitted job (its id, or its record with `json`); with `wait`, follow it to its end
    /// (stopping it at `spendLimit`) and print its summary. The exit code `render` gives it.
    static func submitted(_ handle: AWSBatchJobHandle, wait: Bool, json: Bool, spendLimit: AWSSpendLimit? = nil) async throws -> Int32 {
        if !wait || json {
            if json && !wait { try printJSON(handle.record) } else if !json {
                print(handle.id)
                printError(awsLines(handle).joined(separator: "\n"))
            }
            if !wait { return 0 }
        } else {
            printError("job \(handle.id) submitted\n" + awsLines(handle).joined(separator: "\n"))
        }
        let bar = ProgressBar(label: "rendering on AWS", total: handle.manifest.allFrames.count, job: handle.id)
        let progress = AWSProgress()
        let watch = spendLimit.map { limit in Task { await limit.watch(handle) { printError("blendbatch: " + $0) } } }
        defer { watch?.cancel() }
        let report = await handle.wait { event in
            switch event {
            case .frameDone(_, let done, _): bar.update(done: done, detail: progress.set(done: done))
            case .message(let line): bar.update(done: progress.done, detail: progress.set(line: line))
            default: break
            }
        }
        bar.finish()
        // The final report: in the job folder here, and beside the video (best effort: the job is done either way).
        if let builder = try? await AWSReportSource.builder(handle: handle, status: report) {
            _ = try? await ReportFile.write(builder, to: ReportFile.path(in: builder.jobFolder), store: handle.store)
        }
        if json { try printJSON(report) } else { print(report.summaryLines.joined(separator: "\n")) }
        return JobWatch.exitCode(report)
    }

    /// Print an AWS job's status; false when `job` is not an AWS job. A job that failed (also one
    /// Batch calls succeeded with frames missing from the store) ends the command with its failure code.
    static func status(_ job: String, json: Bool) async throws -> Bool {
        guard let (handle, _) = try await handle(job) else { return false }
        var status: JobStatus
        do {
            status = try await handle.currentStatus()
            status.frameMetrics = try await FrameMetrics.read(job: handle.id, store: handle.store)
        } catch { throw awsEnd(error, doing: "asking Batch about job \(handle.id)") }
        if json { try printJSON(status) } else { print((status.summaryLines + awsLines(handle)).joined(separator: "\n")) }
        if status.state == .failed { throw CommandEnd(status: JobWatch.exitCode(status)) }
        return true
    }

    static func cancel(_ job: String, json: Bool) async throws -> Bool {
        guard let (handle, _) = try await handle(job) else { return false }
        await handle.cancel()
        let status = await handle.status()
        if json { try printJSON(status) } else { print((status.summaryLines + awsLines(handle)).joined(separator: "\n")) }
        return true
    }

    static func resume(_ job: String, json: Bool) async throws -> Bool {
        guard let (handle, executor) = try await handle(job) else { return false }
        let resumed: AWSBatchJobHandle?
        do { resumed = try await executor.resume(handle) } catch { throw awsEnd(error, doing: "resuming job \(handle.id)") }
        guard let resumed else {
            print("job \(handle.id): every frame is in the store and the stitch succeeded; nothing to resume")
            return true
        }
        let submission = resumed.record.latest
        if json { try printJSON(submission) } else {
            print("job \(handle.id): resubmitted \(submission.chunks) chunk(s) with missing frames")
            print(awsLines(resumed).joined(separator: "\n"))
        }
        return true
    }

    static func awsLines(_ handle: AWSBatchJobHandle) -> [String] {
        let latest = handle.record.latest
        return ["batch: render \(latest.renderJobId ?? "-") (\(latest.chunks == 1 ? "plain job" : "array of \(latest.chunks)")), "
                + "stitch \(latest.stitchJobId ?? "-"), queue \(handle.record.queue)",
                "output: \(handle.record.output)"]
    }
}

/// Frames done and the latest Batch summary line, for the progress bar (events come from one task).
final class AWSProgress: @unchecked Sendable {
    // Sendable: fields are only touched under `lock`.
    private let lock = NSLock()
    private var frames = 0
    private var line = ""
    var done: Int { lock.withLock { frames } }
    func set(done: Int) -> String { lock.withLock { frames = done; return line } }
    func set(line: String) -> String { lock.withLock { self.line = line; return line } }
}
