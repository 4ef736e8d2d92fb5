import Foundation
import RenderPlan

/// What a Slurm task does when its worker ends (`blendbatch task-hook slurm ended CODE`, the last line of
/// the batch script): the retry policy of AWS Batch and the local executor, applied by the task itself.
/// An interruption (exit 75) is requeued without counting; a failure (70, 76, a crash) is requeued while
/// the task has attempts left, counted in `<job folder>/slurm/attempts/`; anything else (65, 66, 69, 74)
/// ends the task and cancels the stitch that waited on it. Nothing is requeued once the job was cancelled.
/// The attempt's record (`SlurmAttemptRecord`) gets its end and decision before any requeue, which
/// ends the batch script.
public enum SlurmTaskEnd {
    static let folderVariable = "BLENDBATCH_JOB_FOLDER"

    public enum Decision: Equatable, Sendable {
        case done
        case requeue(counted: Bool)
        case fail(String)
        /// The job was cancelled (`blendbatch cancel`): not requeued.
        case cancelled

        /// The decision in words, for the task's log and the report (`exit 70: requeued (counted against the retry budget)`).
        public func summary(code: Int32) -> String {
            switch self {
            case .done: return "exit \(code)"
            case .requeue(let counted): return "exit \(code): requeued" + (counted ? " (counted against the retry budget)" : " (an interruption: not counted)")
            case .fail(let reason): return "exit \(code): not retried: \(reason)"
            case .cancelled: return "exit \(code): not retried: the job was cancelled"
            }
        }

        /// How the report marks the attempt that ended so.
        var outcome: AttemptRecord.Outcome {
            switch self {
            case .done: return .succeeded
            case .requeue(let counted): return counted ? .retried : .interrupted
            case .fail: return .failed
            case .cancelled: return .cancelled
            }
        }
    }

    /// Decide, count, record the attempt's end and requeue. Returns the decision (for the task's log).
    public static func handle(code: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Decision {
        guard let task = SlurmTaskIdentity(environment: environment) else {
            return .fail("not a Slurm task of blendbatch (no \(folderVariable) or SLURM_JOB_ID)")
        }
        let record = SlurmJobRecord.read(folder: task.folder)
        let policy = RetryPolicy(maxAttempts: record?.maxAttempts ?? 3, maxInterruptions: record?.maxInterruptions ?? 20)
        let counter = AttemptCounter(path: SlurmAttemptRecord.folder(task.folder) + "/" + task.slurmTask.replacingOccurrences(of: "/", with: "_"))
        let decision = FileManager.default.fileExists(atPath: SlurmJobHandle.cancelMarker(task.folder))
            ? .cancelled : decide(code: code, counter: counter, policy: policy)
        try? SlurmAttemptRecord.ended(task, code: code, outcome: decision.outcome, detail: decision.summary(code: code))
        switch decision {
        case .requeue: try? SlurmCluster().requeue(task.slurmTask)
        // The stitch can never run now: cancel it rather than leave it pending on a dependency.
        case .fail: if let stitch = record?.stitchJobID { try? SlurmCluster().cancel([stitch]) }
        case .done, .cancelled: break
        }
        return decision
    }

    /// The decision for an exit, counting it in `counter`.
    static func decide(code: Int32, counter: AttemptCounter, policy: RetryPolicy) -> Decision {
        switch RetryPolicy.classify(.exited(code), noticed: false) {
        case .success: return .done
        case .interrupted:
            let interruptions = counter.increment("interruptions")
            return interruptions <= policy.maxInterruptions ? .requeue(counted: false) : .fail("interrupted \(interruptions) times")
        case .retryableFailure(let reason):
            let failures = counter.increment("failures")
            return failures < policy.maxAttempts ? .requeue(counted: true) : .fail("\(reason), \(failures) of \(policy.maxAttempts) attempts")
        case .fatal(let reason): return .fail(reason)
        }
    }
}

/// Counts kept in small files beside the job (a task may run on any node, so the count lives with the job).
struct AttemptCounter {
    var path: String

    /// Add one to count `name` and return the new value.
    func increment(_ name: String) -> Int {
        let file = path + "." + name
        try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let value = (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        try? "\(value + 1)\n".write(toFile: file, atomically: true, encoding: .utf8)
        return value + 1
    }
}
