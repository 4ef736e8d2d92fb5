import Foundation

/// Runs Lua work on a dedicated thread with a large stack, so a `LuaState` is created, used and
/// closed on one thread, and primitives may block that thread (`LuaArgs.wait`) without starving
/// Swift concurrency.
public enum LuaThread {
    /// Stack size of Lua threads (deep recursion in recipes plus Swift frames in primitives).
    public static let stackSize = 16 << 20

    /// Run `body` on a new thread and wait for it without blocking the caller's task.
    public static func run<T: Sendable>(name: String = "lua", _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(name: name) {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Run `body` on a new thread and block the calling thread until it finishes.
    public static func runBlocking<T: Sendable>(name: String = "lua", _ body: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        start(name: name) {
            box.result = Result { try body() }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }
}

/// `@unchecked Sendable`: written by the Lua thread before `signal()`, read after `wait()`.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
