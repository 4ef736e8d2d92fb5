import CLuaShim
import Dispatch

extension LuaState {
    /// Run async Swift work and block this Lua thread until it finishes. Polls for Ctrl-C: an
    /// interrupt cancels the task and throws `LuaError.interrupted` (the interrupt stays pending,
    /// so the chunk unwinds even through a `pcall`).
    ///
    /// Call this on the state's own thread (see `LuaThread`). The work runs on `WaitExecutor`'s
    /// threads, so even a state driven from a cooperative thread cannot starve it.
    public func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        try Self.blockingWait(L: L, self, work)
    }

    /// Run async work that must be stopped cleanly rather than abandoned (a render job): Ctrl-C
    /// (or `interrupt()`) calls `onInterrupt(n)` for the n-th interrupt and the wait goes on until
    /// the work ends, so its result (e.g. a cancelled job's report) still reaches the chunk.
    public func wait<T: Sendable>(onInterrupt: @escaping @Sendable (Int) -> Void,
                                  _ work: @escaping @Sendable () async throws -> T) throws -> T {
        try Self.blockingWait(L: L, self, onInterrupt: onInterrupt, work)
    }

    static func blockingWait<T: Sendable>(L: OpaquePointer, _ owner: LuaState?, onInterrupt: @escaping @Sendable (Int) -> Void,
                                          _ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = WaitBox<T>()
        Task.detached(executorPreference: WaitExecutor.shared) {
            let result: Result<T, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            box.finish(result)
        }
        var interrupts = 0
        while box.semaphore.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let main = owner?.L ?? L
            if bb_interrupt_pending(main) != 0 {
                bb_interrupt_clear(main)
                interrupts += 1
                onInterrupt(interrupts)
            }
        }
        // A repeated Ctrl-C that landed as the stopped work ended belongs to this wait, not to the chunk.
        if interrupts > 0 { bb_interrupt_clear(owner?.L ?? L) }
        return try box.take().get()
    }

    static func blockingWait<T: Sendable>(L: OpaquePointer, _ owner: LuaState?, _ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = WaitBox<T>()
        let task = Task.detached(executorPreference: WaitExecutor.shared) {
            let result: Result<T, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            box.finish(result)
        }
        while box.semaphore.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let main = owner?.L ?? L
            if bb_interrupt_pending(main) != 0 {
                task.cancel()
                throw LuaError.interrupted
            }
        }
        return try box.take().get()
    }
}

/// Hands one result from the task to the waiting Lua thread.
/// `@unchecked Sendable`: `result` is written once before `semaphore.signal()` and read only after
/// `semaphore.wait()` returns, which orders the two accesses.
private final class WaitBox<T: Sendable>: @unchecked Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    func finish(_ result: Result<T, any Error>) {
        self.result = result
        semaphore.signal()
    }

    func take() -> Result<T, any Error> { result! }
}
