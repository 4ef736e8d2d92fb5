import Foundation
import ProcessSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child process ended.
public typealias Termination = WaitStatus

/// A child process started with `posix_spawn` in its own process group (so a signal to the group
/// reaches it and everything it starts, and a terminal's Ctrl-C does not), with stdout and stderr
/// merged into one pipe read line by line, stdin from /dev/null, and default signal dispositions.
///
/// `@unchecked Sendable`: the stored properties are immutable after `spawn`; the pipe is read by
/// exactly one caller of `readLines` and `wait` reaps the pid exactly once (guarded by `lock`).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let executable: String
    private let outputFD: Int32
    private let lock = NSLock()
    private var termination: Termination?

    public enum SpawnError: Error, CustomStringConvertible {
        case cannotStart(String, reason: String)
        public var description: String {
            switch self { case .cannotStart(let path, let reason): return "cannot start \(path): \(reason)" }
        }
    }

    private init(pid: pid_t, executable: String, outputFD: Int32) {
        self.pid = pid
        self.executable = executable
        self.outputFD = outputFD
    }

    deinit { close(outputFD) }

    /// Start `executable` (a path, or a name looked up on PATH) with `arguments`.
    /// `environment` nil inherits ours.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ChildProcess {
        let output: (read: Int32, write: Int32)
        do { output = try ProcessSpawn.pipe() } catch { throw SpawnError.cannotStart(executable, reason: error.reason) }
        defer { close(output.write) }
        do {
            let pid = try ProcessSpawn.spawn([executable] + arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                                             output: .merged(output.write))
            return ChildProcess(pid: pid, executable: executable, outputFD: output.read)
        } catch {
            close(output.read)
            throw SpawnError.cannotStart(executable, reason: error.reason)
        }
    }

    /// Read the child's output until it closes it: `block` gets each run of whole lines as read
    /// (newlines included, so a log copy costs one write per read, not one per line), then `line`
    /// gets each of those lines without its newline. A last line without a newline comes at the end.
    /// Blocks; run it on its own thread or task.
    public func readLines(block: (String) -> Void = { _ in }, _ line: (String) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
            let whole = pending[...lastNewline]
            block(String(decoding: whole, as: UTF8.self))
            var start = whole.startIndex
            while let newline = whole[start...].firstIndex(of: 0x0A) {
                line(String(decoding: whole[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeSubrange(...lastNewline)
        }
        if !pending.isEmpty {
            let rest = String(decoding: pending, as: UTF8.self)
            block(rest)
            line(rest)
        }
    }

    /// Wait for the child to end (blocking) and return how it ended. Safe to call more than once.
    @discardableResult
    public func wait() -> Termination {
        lock.lock(); defer { lock.unlock() }
        if let termination { return termination }
        let result = WaitStatus.wait(for: pid) ?? .exited(-1)  // nil: reaped elsewhere, how it ended is unknown
        termination = result
        return result
    }

    /// Send `signal` to the child's whole process group.
    public func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Blocking wait on a background thread, as async.
    public func terminated() async -> Termination {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.wait()) }
        }
    }
}
