import Dispatch
import Executors
import Foundation

/// Signals for commands that drive work in this process: Ctrl-C, SIGTERM and SIGHUP.
enum JobSignals {
    /// Call `handler(n)` on the n-th of `signals` (their default actions are off until the sources
    /// are cancelled).
    static func count(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], _ handler: @escaping @Sendable (Int) -> Void) -> [DispatchSourceSignal] {
        let count = SignalCount()
        return signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(count.next()) }
            source.resume()
            return source
        }
    }

    /// Follow `handle` to its end like `blendbatch render` (progress bar; the first signal cancels
    /// the job cleanly, a second kills its tasks), print the summary, and return the exit code.
    static func watch(_ handle: LocalJobHandle, json: Bool, label: String) async -> Int32 {
        let sources = count { n in Task { await JobWatch.interrupted(handle, count: n) } }
        let status = await JobWatch.follow(handle, label: label)
        sources.forEach { $0.cancel() }
        if let summary = try? JobWatch.summary(status, folder: handle.folder, json: json) { print(summary) }
        return JobWatch.exitCode(status)
    }
}

final class SignalCount: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
