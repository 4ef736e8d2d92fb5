import Foundation

/// Stops a child that runs past its limit: SIGTERM, then SIGKILL after a grace period.
/// `@unchecked Sendable`: `fired` and `disarmed` are guarded by `lock`.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var disarmed = false

    init(process: Process, after seconds: Double) {
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            guard fire() else { return }
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in
                if stillRunning() { kill(pid, SIGKILL) }
            }
        }
    }

    /// Stop watching (the child has exited); true when the limit had already stopped it.
    func disarm() -> Bool { lock.withLock { disarmed = true; return fired } }

    private func fire() -> Bool { lock.withLock { if disarmed { return false }; fired = true; return true } }
    private func stillRunning() -> Bool { lock.withLock { !disarmed } }
}
