import Foundation
import ProcessSpawn

/// Runs a short-lived helper program (a `credential_process`) to completion with a deadline
/// (`ProcessSpawn.runToCompletion`), on a thread of its own, never on a concurrency thread.
enum HelperProcess {
    /// Run `arguments` (the program first, a path or a name looked up on PATH) with `environment`.
    static func run(_ arguments: [String], environment: [String: String], timeout: TimeInterval) async throws -> CompletedRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try ProcessSpawn.runToCompletion(arguments, environment: environment, timeout: timeout)
                })
            }
        }
    }
}
