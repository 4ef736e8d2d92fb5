import Foundation
import ObjectStore
import RenderPlan

/// A job on Slurm, followed from its job folder and the cluster: the frames in the store say what is
/// done, `squeue` says what each task is doing. Works from any process that sees the job folder.
public final class SlurmJobHandle: DetachedJob, @unchecked Sendable {
    // Sendable: every stored property is immutable.
    public let folder: JobFolder
    public let manifest: JobManifest
    public let record: SlurmJobRecord
    public let store: any ObjectStore
    let cluster = SlurmCluster()
    /// Seconds between looks at the cluster while waiting.
    let pollInterval: Double

    public init(folder: JobFolder, manifest: JobManifest, record: SlurmJobRecord, pollInterval: Double = 1) throws {
        self.folder = folder
        self.manifest = manifest
        self.record = record
        self.store = try LocalExecutor.outputStore(for: manifest)
        self.pollInterval = pollInterval
    }

    /// The handle of the Slurm job in `folder`, or nil when the job did not run on Slurm.
    public static func open(_ folder: JobFolder) throws -> SlurmJobHandle? {
        guard let record = SlurmJobRecord.read(folder: folder) else { return nil }
        return try SlurmJobHandle(folder: folder, manifest: try folder.readManifest(), record: record)
    }

    public var id: String { manifest.id }
    public var submission: any Encodable & Sendable { record }
    public var backend: String { "slurm" }
    public var folderPath: String? { folder.path }
    public var schedulerJobIDs: (render: [String], stitch: String?) { (record.arrays.map(\.jobID), record.stitchJobID) }

    public func framesInStore() async throws -> Set<Int> {
        try await JobControl.framesDone(manifest, store: store)
    }

    /// The report of the job folder: the attempts its tasks recorded, frame metrics from the store.
    public func reportBuilder(status: JobStatus) async throws -> JobReportBuilder {
        try await SlurmReportSource.builder(handle: self, status: status)
    }

    public func status() async -> JobStatus {
        (try? await currentStatus()) ?? JobStatus(id: id, state: .running, framesTotal: Set(manifest.allFrames).count, framesDone: 0,
                                                 tasksTotal: manifest.chunks.count)
    }

    /// Where the job stands; throws when the store or the cluster cannot be read.
    public func currentStatus() async throws -> JobStatus {
        let done = try await framesInStore()
        let ours = Set(record.slurmJobIDs.compactMap(Int.init))
        let jobs = try cluster.jobs().filter { ours.contains($0.arrayJobID ?? $0.jobID) }
        return SlurmJobStatus(record: record, manifest: manifest, jobs: jobs, framesDone: done.count,
                              video: JobControl.videoPath(manifest), logs: folder.logsPath,
                              cancelled: FileManager.default.fileExists(atPath: Self.cancelMarker(folder))).status
    }

    public func wait(onEvent: @escaping @Sendable (JobEvent) -> Void) async -> JobStatus {
        var reported = 0
        var failedLooks = 0
        while true {
            do {
                let status = try await currentStatus()
                failedLooks = 0
                if status.framesDone > reported {
                    for done in (reported + 1)...status.framesDone { onEvent(.frameDone(frame: 0, done: done, total: status.framesTotal)) }
                    reported = status.framesDone
                }
                if status.state.isFinal || Task.isCancelled { return status }
            } catch {
                failedLooks += 1
                onEvent(.message("cannot read the job's state (\(error)); trying again"))
                if failedLooks >= 30 || Task.isCancelled {
                    var status = await status()
                    status.state = .failed
                    status.reason = "lost track of the job: \(error)"
                    status.failureCode = ExitCode.unavailable.rawValue
                    return status
                }
            }
            try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
        }
    }

    /// Cancel the arrays and the stitch (`scancel`); frames already stored stay.
    public func cancel() async {
        // First the marker, so a task stopped by the cancel does not requeue itself.
        FileManager.default.createFile(atPath: Self.cancelMarker(folder), contents: Data())
        try? cluster.cancel(record.slurmJobIDs)
    }

    /// Let the job's tasks requeue themselves again (before it is submitted again).
    public func uncancel() { try? FileManager.default.removeItem(atPath: Self.cancelMarker(folder)) }

    /// `<job folder>/slurm/cancelled`: present once the job was cancelled (removed by `resume`).
    static func cancelMarker(_ folder: JobFolder) -> String { folder.path + "/slurm/cancelled" }
}

/// A Slurm job's `JobStatus`, from the cluster's job records and the frames in the store.
struct SlurmJobStatus {
    var record: SlurmJobRecord
    var manifest: JobManifest
    var jobs: [SlurmJobState]
    var framesDone: Int
    var video: String?
    var logs: String
    /// `blendbatch cancel` was asked.
    var cancelled = false

    var status: JobStatus {
        let framesTotal = Set(manifest.allFrames).count
        var status = JobStatus(id: record.id, state: .queued, framesTotal: framesTotal, framesDone: framesDone,
                               tasksTotal: manifest.chunks.count)
        status.backend = "slurm"
        status.startedAt = record.submittedAt
        status.wallTime = Date().timeIntervalSince(record.submittedAt)
        let arrays = Set(record.arrays.compactMap { Int($0.jobID) })
        let tasks = jobs.filter { arrays.contains($0.arrayJobID ?? $0.jobID) && $0.arrayTaskString == nil }
        let pendingRanges = jobs.filter { arrays.contains($0.arrayJobID ?? $0.jobID) && $0.arrayTaskString != nil }
        let stitch = record.stitchJobID.flatMap { id in jobs.first { String($0.jobID) == id } }

        status.tasksSucceeded = tasks.filter { $0.state == "COMPLETED" }.count
        status.tasksRunning = tasks.filter { $0.state == "RUNNING" || $0.state == "COMPLETING" }.count
        // A range that ended before it started (cancelled, or its `after` jobs failed) counts as failed too.
        let failed = (tasks + pendingRanges).filter { $0.isFinal && $0.state != "COMPLETED" }
        status.tasksFailed = failed.count
        status.retries = tasks.map(\.restarts).reduce(0, +)
        status.attempts = tasks.filter { $0.state != "PENDING" || $0.restarts > 0 }.map { $0.restarts + 1 }.reduce(0, +)
        if let stitch { status.stitch = Self.taskState(stitch) } else if manifest.stitch != nil { status.stitch = .pending }

        let known = !tasks.isEmpty || !pendingRanges.isEmpty || stitch != nil
        let rendering = (tasks + pendingRanges).contains { !$0.isFinal }
        if cancelled {
            status.state = .cancelled
            status.failureCode = ExitCode.cancelled.rawValue
            status.reason = "cancelled (blendbatch cancel)"
        } else if let failure = failed.first {
            status.state = failure.state == "CANCELLED" ? .cancelled : .failed
            let code = failure.exitCode.flatMap { $0 == 0 ? nil : $0 }
            status.failureCode = failure.state == "CANCELLED" ? ExitCode.cancelled.rawValue : (code ?? ExitCode.renderFailure.rawValue)
            let index = (failure.arrayTaskID ?? 0) + (record.arrays.first { Int($0.jobID) == failure.arrayJobID }?.offset ?? 0)
            let slurmID = "\(failure.arrayJobID ?? failure.jobID)_\(failure.arrayTaskID ?? 0)"
            status.reason = failure.reason == "DependencyNeverSatisfied"
                ? "skipped: a job it comes after (\(record.after?.joined(separator: ", ") ?? "?")) did not succeed"
                : failure.state == "CANCELLED" ? "task \(index) was cancelled on the cluster (Slurm job \(slurmID))"
                : "task \(index) \(failure.state.lowercased()) with exit \(failure.exitCode ?? -1) (Slurm job \(slurmID)); log: \(logs)/slurm-render-\(slurmID).log"
        } else if rendering {
            status.state = status.tasksRunning > 0 || status.tasksSucceeded > 0 ? .running : .queued
        } else if let stitch {
            switch stitch.state {
            case "COMPLETED":
                status.state = .succeeded
                status.video = video
            case _ where stitch.isFinal:
                status.state = stitch.state == "CANCELLED" ? .cancelled : .failed
                status.failureCode = stitch.state == "CANCELLED" ? ExitCode.cancelled.rawValue : (stitch.exitCode ?? ExitCode.renderFailure.rawValue)
                status.reason = "stitch \(stitch.state.lowercased()) (Slurm job \(stitch.jobID)); log: \(logs)/slurm-stitch-\(stitch.jobID).log"
            default:
                status.state = .running
            }
        } else if known && manifest.stitch == nil {
            status.state = .succeeded
        } else {
            // Slurm forgets finished jobs (MinJobAge): the store is then the record.
            let complete = framesDone == framesTotal && (manifest.stitch == nil || video != nil)
            status.state = complete ? .succeeded : .failed
            if complete { status.video = video } else {
                status.failureCode = ExitCode.failure.rawValue
                status.reason = "Slurm no longer knows jobs \(record.slurmJobIDs.joined(separator: ",")) and \(framesTotal - framesDone) frames are missing"
            }
        }
        return status
    }

    static func taskState(_ job: SlurmJobState) -> TaskState {
        switch job.state {
        case "COMPLETED": return .succeeded
        case "RUNNING", "COMPLETING", "CONFIGURING": return .running
        case "PENDING", "REQUEUED", "REQUEUE_HOLD", "SUSPENDED": return job.restarts > 0 ? .retrying : .pending
        case "CANCELLED": return .cancelled
        default: return .failed
        }
    }
}
