import Foundation
import Render
import RenderPlan

/// What a Slurm task does when its worker ends (`blendbatch slurm-task-ended CODE`, the last line of
/// the batch script): the retry policy of AWS Batch and the local executor, applied by the task itself.
/// An interruption (exit 75) is requeued without counting; a failure (70, 76, a crash) is requeued while
/// the task has attempts left, counted in `<job folder>/slurm/attempts/`; anything else (65, 66, 69, 74)
/// ends the task and cancels the stitch that waited on it. Nothing is requeued once the job was cancelled.
public enum SlurmTaskEnd {
    static let folderVariable = "BLENDBATCH_JOB_FOLDER"

    public enum Decision: Equatable, Sendable {
        case done
        case requeue(counted: Bool)
        case fail(String)
    }

    /// Decide, count and requeue. Returns the decision (for the task's log).
    public static func handle(code: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Decision {
        guard let folderPath = environment[folderVariable], let arrayJob = environment["SLURM_ARRAY_JOB_ID"] ?? environment["SLURM_JOB_ID"] else {
            return .fail("not a Slurm task of blendbatch (no \(folderVariable) or SLURM_JOB_ID)")
        }
        let folder = JobFolder(path: folderPath)
        let record = SlurmJobRecord.read(folder: folder)
        let policy = RetryPolicy(maxAttempts: record?.maxAttempts ?? 3, maxInterruptions: record?.maxInterruptions ?? 20)
        let task = environment["SLURM_ARRAY_TASK_ID"].map { "\(arrayJob)_\($0)" } ?? arrayJob
        let counter = AttemptCounter(path: folder.path + "/slurm/attempts/" + task.replacingOccurrences(of: "/", with: "_"))
        if FileManager.default.fileExists(atPath: SlurmJobHandle.cancelMarker(folder)) { return .fail("the job was cancelled") }
        let decision = decide(code: code, counter: counter, policy: policy)
        switch decision {
        case .requeue: try? SlurmCluster().requeue(task)
        // The stitch can never run now: cancel it rather than leave it pending on a dependency.
        case .fail: if let stitch = record?.stitchJobID { try? SlurmCluster().cancel([stitch]) }
        case .done: break
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
