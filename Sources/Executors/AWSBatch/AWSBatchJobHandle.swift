import AWSCore
import AWSServices
import Foundation
import ObjectStore
import RenderPlan

/// A job on AWS Batch: its status comes from DescribeJobs (the array's `statusSummary`) and from the
/// frames present in the output store (one listing). It succeeded only when Batch says so and every
/// frame is in the store.
public struct AWSBatchJobHandle: DetachedJob {
    public let record: AWSJobRecord
    public let manifest: JobManifest
    public let batch: BatchClient
    public let store: any ObjectStore
    public var pollInterval: Double

    public var id: String { record.id }

    /// The Batch job that ends this job (the stitch, else the render job): what a job after it `dependsOn`.
    public var lastBatchJobId: String? { record.latest.stitchJobId ?? record.latest.renderJobId }

    /// The reason blendbatch gives Batch when it stops a job.
    public static let cancelReason = "cancelled with blendbatch cancel"

    /// Open the job a record describes (reads its manifest from the store).
    public static func open(record: AWSJobRecord, batch: BatchClient, store: any ObjectStore,
                            pollInterval: Double = 10) async throws -> AWSBatchJobHandle {
        let manifest = try AWSJobFolder.decode(JobManifest.self, from: try await store.read(key: AWSJobFolder(id: record.id).manifestKey))
        return AWSBatchJobHandle(record: record, manifest: manifest, batch: batch, store: store, pollInterval: pollInterval)
    }

    public var submission: any Encodable & Sendable { record }
    public var backend: String { "aws" }
    public var folderPath: String? { nil }

    public var schedulerJobIDs: (render: [String], stitch: String?) {
        (record.latest.renderJobId.map { [$0] } ?? [], record.latest.stitchJobId)
    }

    public func reportBuilder(status: JobStatus) async throws -> JobReportBuilder {
        try await AWSReportSource.builder(handle: self, status: status)
    }

    /// Frames of the job already in the store, made with its settings.
    public func framesInStore() async throws -> Set<Int> {
        manifest.framesDone(among: try await JobControl.doneKeys(manifest, store: store, timeout: nil))
    }

    public func status() async -> JobStatus {
        (try? await currentStatus()) ?? {
            var status = JobStatus(id: id, state: .queued, framesTotal: manifest.allFrames.count, framesDone: 0,
                                   tasksTotal: manifest.chunks.count)
            status.reason = "cannot reach AWS Batch or the store"
            return status
        }()
    }

    /// The job's status, failing when Batch or the store cannot be asked.
    public func currentStatus() async throws -> JobStatus {
        try await currentStatus(done: try await framesInStore())
    }

    /// The job's status with `done`, the frames in the store.
    func currentStatus(done: Set<Int>) async throws -> JobStatus {
        let submission = record.latest
        let ids = [submission.renderJobId, submission.stitchJobId].compactMap { $0 }
        let details = try await batch.describeJobs(ids)
        let render = details.first { $0.jobId == submission.renderJobId }
        let stitch = details.first { $0.jobId == submission.stitchJobId }

        var status = JobStatus(id: id, state: .queued, framesTotal: manifest.allFrames.count, framesDone: done.count,
                               tasksTotal: manifest.chunks.count)
        status.startedAt = record.submittedAt
        status.wallTime = Date().timeIntervalSince(record.submittedAt)
        if let render {
            if let summary = render.arrayProperties?.statusSummary {
                status.tasksSucceeded = summary["SUCCEEDED"] ?? 0
                status.tasksRunning = (summary["RUNNING"] ?? 0) + (summary["STARTING"] ?? 0)
                status.tasksFailed = summary["FAILED"] ?? 0
            } else {
                status.tasksSucceeded = render.status == .succeeded ? 1 : 0
                status.tasksRunning = [.running, .starting].contains(render.status) ? 1 : 0
                status.tasksFailed = render.status == .failed ? 1 : 0
            }
            // Earlier submissions' finished tasks count as done.
            status.tasksSucceeded += manifest.chunks.count - submission.chunks
        } else {
            status.tasksSucceeded = manifest.chunks.count
        }
        status.stitch = stitch.map { Self.taskState($0.status) }
        if stitch?.status == .succeeded { status.video = JobControl.videoPath(manifest) }
        status.state = Self.jobState(render: render, stitch: stitch, wantsStitch: submission.stitchJobId != nil)
        let missing = Array(Set(manifest.allFrames).subtracting(done)).sorted()
        if status.state == .succeeded && !missing.isEmpty {
            // Batch's word is not enough: a task can "succeed" without its frames reaching the store.
            status.state = .failed
            status.reason = "AWS Batch reports success, but frame(s) \(LocalRun.list(missing)) are not in \(record.output)"
            status.failedFrames = manifest.chunks.flatMap { chunk in
                chunk.frames.filter { !done.contains($0) }.map { FailedFrame(frame: $0, task: chunk.index, reason: "not in the store", log: nil) }
            }
            status.failureCode = ExitCode.renderFailure.rawValue
        } else if status.state == .failed {
            let failed = [render, stitch].compactMap { $0 }.first { $0.status == .failed }
            status.reason = failed.map(Self.reason) ?? "a Batch job failed"
            if failed?.statusReason?.contains(Self.cancelReason) == true { status.state = .cancelled }
            status.failureCode = status.state == .cancelled ? ExitCode.cancelled.rawValue
                : failed?.container?.exitCode.flatMap { ExitCode(rawValue: Int32($0)) }.map(\.rawValue) ?? ExitCode.renderFailure.rawValue
            status.failedFrames = manifest.chunks.flatMap { chunk in
                chunk.frames.filter { !done.contains($0) }.map {
                    FailedFrame(frame: $0, task: chunk.index, reason: status.reason ?? "", log: nil)
                }
            }
        }
        return status
    }

    /// Consecutive failed polls after which `wait` gives up (Batch or S3 unreachable).
    public static let maxFailedPolls = 10

    public func wait(onEvent: @escaping @Sendable (JobEvent) -> Void) async -> JobReport {
        var seen = Set<Int>()
        var lastLine = ""
        var failures = 0
        while true {
            let status: JobStatus
            let done: Set<Int>
            do {
                done = try await framesInStore()
                status = try await currentStatus(done: done)
                failures = 0
            } catch {
                failures += 1
                onEvent(.message("cannot ask AWS about job \(id) (\(failures)/\(Self.maxFailedPolls)): \(error)"))
                if failures >= Self.maxFailedPolls || Task.isCancelled {
                    var last = await self.status()
                    last.reason = "stopped following job \(id): \(error); it keeps running on Batch (see `blendbatch status \(id)`)"
                    return last
                }
                try? await Task.sleep(for: .seconds(pollInterval))
                continue
            }
            for frame in done.subtracting(seen).sorted() {
                seen.insert(frame)
                onEvent(.frameDone(frame: frame, done: seen.count, total: status.framesTotal))
            }
            let line = "batch: \(status.tasksSucceeded)/\(status.tasksTotal) tasks succeeded, \(status.tasksRunning) running, "
                + "\(status.tasksFailed) failed\(status.stitch.map { "; stitch \($0.rawValue)" } ?? "")"
            if line != lastLine { onEvent(.message(line)); lastLine = line }
            if status.state.isFinal || Task.isCancelled { return status }
            try? await Task.sleep(for: .seconds(pollInterval))
        }
    }

    public func cancel() async {
        for submission in record.submissions {
            for jobId in [submission.stitchJobId, submission.renderJobId].compactMap({ $0 }) {
                try? await batch.terminateJob(jobId, reason: Self.cancelReason)
            }
        }
    }

    static func taskState(_ status: BatchJobStatus) -> TaskState {
        switch status {
        case .submitted, .pending, .runnable: return .pending
        case .starting, .running: return .running
        case .succeeded: return .succeeded
        case .failed: return .failed
        }
    }

    static func jobState(render: JobDetail?, stitch: JobDetail?, wantsStitch: Bool) -> JobState {
        let jobs = [render, stitch].compactMap { $0 }
        if jobs.contains(where: { $0.status == .failed }) { return .failed }
        if wantsStitch ? stitch?.status == .succeeded : (render?.status ?? .succeeded) == .succeeded { return .succeeded }
        if jobs.contains(where: { [.starting, .running].contains($0.status) }) { return .running }
        if render?.status == .succeeded { return .running }  // rendering done, stitch waiting for a host
        return .queued
    }

    /// Why a Batch job failed, in one line: its status reason plus the container's exit code.
    static func reason(_ job: JobDetail) -> String {
        var parts = ["\(job.jobName) (\(job.jobId)) failed"]
        if let reason = job.statusReason, !reason.isEmpty { parts.append(reason) }
        if let exit = job.container?.exitCode {
            parts.append("exit \(exit)\(ExitCode(rawValue: Int32(exit)).map { " (\($0))" } ?? "")")
        }
        if let reason = job.container?.reason, !reason.isEmpty { parts.append(reason) }
        if job.statusReason?.contains("CannotPullContainer") == true || job.container?.reason?.contains("CannotPull") == true {
            parts.append("the image cannot be pulled: check the job definition's image and push it with scripts/aws/build-image --push")
        }
        return parts.joined(separator: ": ")
    }
}
