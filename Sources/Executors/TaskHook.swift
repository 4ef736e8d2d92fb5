import Foundation

/// One attempt of one task, as hooks see it.
public struct TaskAttempt: Sendable, Hashable {
    public let key: TaskKey
    public let attempt: Int
    public let pid: Int32
    public let startedAt: Date

    public init(key: TaskKey, attempt: Int, pid: Int32, startedAt: Date) {
        self.key = key
        self.attempt = attempt
        self.pid = pid
        self.startedAt = startedAt
    }
}

/// Watches task attempts start and end; chaos injection is one (see the `Chaos` module).
public protocol TaskHook: Sendable {
    func taskStarted(_ attempt: TaskAttempt, control: any TaskControl)
    func taskEnded(_ attempt: TaskAttempt, exit: TaskExit, duration: Double)
}

/// What a hook may do to a running job.
public protocol TaskControl: Sendable {
    /// Send a Spot-style interruption notice: SIGTERM to the attempt's process group now, SIGKILL
    /// after `notice` seconds if it is still running. Does nothing if that attempt already ended.
    func interrupt(_ attempt: TaskAttempt, notice: Double) async
}
