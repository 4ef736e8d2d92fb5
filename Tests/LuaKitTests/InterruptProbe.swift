import Foundation
@testable import LuaKit

/// Interrupts a chunk from another thread, as Ctrl-C or a watchdog would, once the chunk says it
/// runs: the interrupt lands in code known to run, not after a guessed delay. Registers module
/// `probe` in `lua`:
/// - `probe.running()` tells the test the chunk runs (the first call starts the interrupt);
/// - `probe.park()` does the same from inside a wait (`LuaArgs.wait`) that only cancelling ends
///   (after 300 s it gives up and returns 'not cancelled'); `waitCancelled` then says whether it was.
final class InterruptProbe: @unchecked Sendable {
    // @unchecked: `cancelled` is only touched under `lock`; the rest is immutable.
    private let running = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false

    init(_ lua: LuaState) {
        let handle = lua.interruptHandle
        Thread.detachNewThread { [running] in
            if running.wait(timeout: .now() + 300) == .success { handle.interrupt() }
        }
        lua.register([LuaModule("probe", doc: "Tells an interrupt test that the chunk runs.") { m in
            m.function("running", doc: "probe.running()") { [self] _ in
                running.signal()
                return .none
            }
            m.function("park", doc: "probe.park() -> 'not cancelled'") { [self] args in
                .value(.string(try args.wait { [self] in
                    running.signal()
                    do { try await Task.sleep(nanoseconds: 300_000_000_000) } catch {
                        lock.withLock { cancelled = true }
                        throw error
                    }
                    return "not cancelled"
                }))
            }
        }])
    }

    /// True once the Swift work `probe.park()` waited on was cancelled.
    var waitCancelled: Bool { lock.withLock { cancelled } }
}
