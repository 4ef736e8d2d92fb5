import Foundation
import RenderPlan

/// When to run a task again, modelled on AWS Batch's `retryStrategy`:
/// `{"attempts": N, "evaluateOnExit": [{"onStatusReason": "Host EC2*", "action": "RETRY"}, …]}`.
///
/// - an interruption (exit 75, or any exit after an interruption notice) is retried at once and never
///   counts against the budget — it is not a bug;
/// - a render failure (exit 70), a store error (exit 76) or a crash (killed by a signal we did not send)
///   is retried with exponential backoff, at most `maxAttempts` times per frame;
/// - anything else (bad input 65, missing input 66, Blender missing 69, disk full 74, …) fails at once.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per frame (and per stitch) before giving up, like Batch's `attempts` (1…10).
    public var maxAttempts: Int
    /// First backoff delay in seconds; doubles each counted failure, capped at `maxBackoff`.
    public var backoff: Double
    public var maxBackoff: Double
    /// Interruptions per task after which an interruption counts as a failure (guards endless loops).
    public var maxInterruptions: Int

    public init(maxAttempts: Int = 3, backoff: Double = 1, maxBackoff: Double = 30, maxInterruptions: Int = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.maxInterruptions = maxInterruptions
    }

    /// How an attempt's exit is classified.
    public enum Outcome: Sendable, Equatable {
        case success
        case interrupted
        case retryableFailure(String)
        case fatal(String)

        /// Whether the attempt is worth running again (all but a fatal failure).
        public var isRetryable: Bool {
            if case .fatal = self { return false }
            return true
        }
    }

    /// Classify an exit; `noticed` is true when we sent the task an interruption notice.
    public static func classify(_ exit: TaskExit, noticed: Bool) -> Outcome {
        if exit.isSuccess { return .success }
        if noticed { return .interrupted }
        switch exit {
        case .exited(ExitCode.interrupted.rawValue):
            return .interrupted
        case .exited(let code):
            if let known = ExitCode(rawValue: code), known.isRetryable { return .retryableFailure(describe(exit)) }
            return .fatal(describe(exit))
        case .signaled:
            return .retryableFailure("crashed: \(exit)")
        }
    }

    /// The delay before counted retry number `failures` (1-based).
    public func delay(afterFailures failures: Int) -> Double {
        min(maxBackoff, backoff * pow(2, Double(max(0, failures - 1))))
    }

    static func describe(_ exit: TaskExit) -> String {
        switch exit {
        case .exited(ExitCode.dataError.rawValue): return "bad input (\(exit))"
        case .exited(ExitCode.noInput.rawValue): return "input missing (\(exit))"
        case .exited(ExitCode.unavailable.rawValue): return "a required program is missing (\(exit))"
        case .exited(ExitCode.ioError.rawValue): return "cannot write output (\(exit))"
        case .exited(ExitCode.renderFailure.rawValue): return "Blender failed (\(exit))"
        case .exited(ExitCode.storeError.rawValue): return "store error (\(exit))"
        default: return String(describing: exit)
        }
    }
}
