import Foundation
import RenderPlan

/// A task failure with the exit code the worker process should end with.
public struct WorkerError: Error, CustomStringConvertible, Equatable {
    public let code: ExitCode
    public let message: String
    public init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

/// Lets a signal handler stop a running worker: `interrupt()` sends SIGTERM to Blender's (or
/// FFmpeg's) process group, then SIGKILL after `grace` if it is still there.
///
/// `@unchecked Sendable`: every mutable field is read and written under `lock`.
public final class WorkerControl: @unchecked Sendable {
    private let lock = NSLock()
    private var interrupted = false
    private var child: ChildProcess?
    public let grace: TimeInterval

    public init(grace: TimeInterval = 3) { self.grace = grace }

    public var isInterrupted: Bool { lock.withLock { interrupted } }

    /// Ask the worker to stop; safe from any thread, any number of times.
    public func interrupt() {
        let child: ChildProcess? = lock.withLock {
            interrupted = true
            return self.child
        }
        if let child { stop(child) }
    }

    /// Track `child` so `interrupt()` reaches it; stops it at once if an interrupt already came.
    func attach(_ child: ChildProcess) {
        let already: Bool = lock.withLock {
            self.child = child
            return interrupted
        }
        if already { stop(child) }
    }

    func detach() { lock.withLock { child = nil } }

    private func stop(_ child: ChildProcess) {
        child.signalGroup(SIGTERM)
        let grace = self.grace
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(grace)
            while Date() < deadline {
                if kill(child.pid, 0) != 0 { return }
                usleep(50_000)
            }
            child.signalGroup(SIGKILL)
        }
    }
}
