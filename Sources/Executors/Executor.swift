import Foundation
import ProcessSpawn
import RenderPlan

/// Something that runs a render job's array of tasks and its dependent stitch task:
/// `LocalExecutor` (a process pool on this machine) or the AWS Batch backend.
public protocol Executor: Sendable {
    /// Start the job described by `manifest` and return at once with a handle to follow it.
    func submit(_ manifest: JobManifest) async throws -> any JobHandle
}

/// A submitted job: watch it, wait for it, cancel it.
public protocol JobHandle: Sendable {
    var id: String { get }
    /// A snapshot of where the job stands.
    func status() async -> JobStatus
    /// Wait until the job ends, calling `onEvent` for each progress event (frames, samples, retries).
    func wait(onEvent: @escaping @Sendable (JobEvent) -> Void) async -> JobReport
    /// Stop the job: running tasks get SIGTERM (then SIGKILL after a grace period), nothing new starts.
    func cancel() async
}

extension JobHandle {
    /// Wait until the job ends, ignoring progress events.
    public func wait() async -> JobReport { await wait(onEvent: { _ in }) }
}

/// Where a job stands as a whole.
public enum JobState: String, Codable, Sendable {
    case queued, running, succeeded, failed, cancelled
    /// The controller died before the job ended (see `blendbatch resume`).
    case interrupted

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Where one task (an array index, or the stitch) stands.
public enum TaskState: String, Codable, Sendable {
    case pending, running, retrying, succeeded, failed, cancelled
}

/// Which part of the job a task belongs to.
public enum Stage: String, Codable, Sendable {
    case render, stitch
}

/// How a task process ended.
public enum TaskExit: Sendable, Equatable, Codable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// How a reaped child ended.
    public init(_ status: WaitStatus) {
        switch status {
        case .exited(let code): self = .exited(code)
        case .signaled(let signal): self = .signaled(signal)
        }
    }

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code):
            let name = ExitCode(rawValue: code).map { " (\($0))" } ?? ""
            return "exit \(code)\(name)"
        case .signaled(let signal): return "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGKILL: return "SIGKILL"
        case SIGTERM: return "SIGTERM"
        case SIGSEGV: return "SIGSEGV"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGILL: return "SIGILL"
        case SIGINT: return "SIGINT"
        default: return nil
        }
    }
}

/// Progress events a job emits while it runs.
public enum JobEvent: Sendable, Equatable {
    case taskStarted(stage: Stage, index: Int, attempt: Int, pid: Int32)
    case taskFinished(stage: Stage, index: Int, attempt: Int, exit: TaskExit, decision: RetryDecision)
    /// A frame is in the store (rendered now, or found there when the job started).
    case frameDone(frame: Int, done: Int, total: Int)
    /// Blender reports sample `sample` of `of` on `frame`.
    case sample(frame: Int, sample: Int, of: Int)
    /// A (simulated) Spot interruption notice was sent to a task.
    case interruptionSent(index: Int, attempt: Int)
    case message(String)
}

/// What happens after a task attempt ends, after AWS Batch's `retryStrategy.evaluateOnExit`.
public enum RetryDecision: Sendable, Equatable, Codable {
    case succeeded
    /// Run again; `counted` is false for interruptions, which never use up the failure budget.
    case retry(counted: Bool, after: Double)
    /// Give up on the whole task (bad input, budget exhausted).
    case fail(reason: String)
    /// Give up on some frames (each crashed Blender `maxAttempts` times); the rest of the chunk runs on.
    case dropFrames([Int], reason: String)
    /// The store failed the task (exit 76): run it again once the store answers, charging no frame.
    case waitForStore(reason: String)
    case cancelled
}
