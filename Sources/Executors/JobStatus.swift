import Foundation
import Render

/// A snapshot of a job: what `blendbatch status` prints, and (once final) the end report.
public struct JobStatus: Codable, Sendable, Equatable {
    public var id: String
    public var state: JobState
    public var framesTotal: Int
    public var framesDone: Int
    /// Frames rendered by this controller run (not found already in the store).
    public var framesRendered: Int = 0
    public var tasksTotal: Int
    public var tasksSucceeded: Int = 0
    public var tasksRunning: Int = 0
    public var tasksFailed: Int = 0
    /// Task attempts started, over every run of the job.
    public var attempts: Int = 0
    /// Attempts that were started again after a failure or an interruption.
    public var retries: Int = 0
    /// Interruption notices sent (chaos) or "interrupted" exits seen.
    public var interruptions: Int = 0
    /// Interruption notices sent to running tasks (local chaos injection).
    public var noticesSent: Int = 0
    /// Frames that failed for good, each with the reason and the log of its last attempt.
    public var failedFrames: [FailedFrame] = []
    /// Why the job failed, when it did.
    public var reason: String?
    /// The exit code that best says why it failed (a task's own code for bad input; 70 for frames
    /// that failed; 130 when cancelled); nil when it succeeded.
    public var failureCode: Int32?
    public var stitch: TaskState?
    /// The video the stitch made, when there is one.
    public var video: String?
    public var startedAt: Date?
    /// Seconds from the first start of the job to its end (or now).
    public var wallTime: Double = 0
    /// Task-seconds spent per frame rendered in this run.
    public var meanFrameTime: Double?
    /// Whether a controller process is driving the job right now.
    public var controllerAlive: Bool = false
    /// Where the tasks run when not on this machine's pool: `slurm`.
    public var backend: String?
    /// Each rendered frame's render seconds, peak memory, task, attempt and host, in frame order
    /// (what `blendbatch status` reads from `FrameMetrics`; nil in progress snapshots).
    public var frameMetrics: [FrameMetric]?

    public init(id: String, state: JobState, framesTotal: Int, framesDone: Int, tasksTotal: Int) {
        self.id = id
        self.state = state
        self.framesTotal = framesTotal
        self.framesDone = framesDone
        self.tasksTotal = tasksTotal
    }

    /// Frames neither in the store nor failed for good (still to render, or lost).
    public var framesMissing: Int { max(0, framesTotal - framesDone) }
}

/// The end report of a job is its last status.
public typealias JobReport = JobStatus

/// A frame that could not be rendered within the retry budget.
public struct FailedFrame: Codable, Sendable, Equatable {
    public var frame: Int
    public var task: Int
    public var reason: String
    /// Log of the last attempt that tried the frame.
    public var log: String?

    public init(frame: Int, task: Int, reason: String, log: String?) {
        self.frame = frame
        self.task = task
        self.reason = reason
        self.log = log
    }
}

extension JobStatus {
    /// A short multi-line account for people: frames, tasks, failures with the frames named.
    public var summaryLines: [String] {
        var lines = ["job \(id): \(state.rawValue)\(controllerAlive ? " (controller running)" : "")\(backend.map { " on \(Backends.named($0)?.label ?? $0)" } ?? "")",
                     "frames: \(framesDone)/\(framesTotal) in the store\(framesRendered > 0 ? ", \(framesRendered) rendered this run" : "")",
                     "tasks: \(tasksSucceeded) succeeded, \(tasksRunning) running, \(tasksFailed) failed of \(tasksTotal); "
                        + "\(attempts) attempts, \(retries) retries, \(interruptions) interruptions"]
        if let metrics = frameMetrics, let slowest = metrics.max(by: { $0.seconds < $1.seconds }) {
            let median = metrics.map(\.seconds).sorted()[metrics.count / 2]
            let memory = metrics.compactMap(\.peakMemory).max().map { String(format: ", peak memory %.0f MiB", Double($0) / 1_048_576) } ?? ""
            lines.append(String(format: "render time: median %.2f s a frame, slowest frame %d (%.2f s)", median, slowest.frame, slowest.seconds) + memory)
        }
        if let stitch { lines.append("stitch: \(stitch.rawValue)\(video.map { " → \($0)" } ?? "")") }
        if !failedFrames.isEmpty {
            let frames = failedFrames.map { String($0.frame) }.joined(separator: ",")
            lines.append("failed frames: \(frames)")
            for failure in failedFrames.prefix(10) {
                lines.append("  frame \(failure.frame) (task \(failure.task)): \(failure.reason)\(failure.log.map { " — log: \($0)" } ?? "")")
            }
        }
        if let reason { lines.append("reason: \(reason)") }
        return lines
    }
}
