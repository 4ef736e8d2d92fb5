import Foundation
import RenderPlan

/// The report of a job on Slurm: its attempts from the records its tasks keep in the job folder
/// (`SlurmAttemptRecord`: a cluster without accounting storage remembers no requeued attempt), its
/// frames' metrics from the store and its logs in the job folder, as for a local job.
public enum SlurmReportSource {
    public static func builder(handle: SlurmJobHandle, status: JobStatus) async throws -> JobReportBuilder {
        var builder = try await LocalReportSource.builder(folder: handle.folder, status: status, store: handle.store)
        builder.backend = handle.backend
        let tasks = Dictionary(((try? handle.cluster.jobs()) ?? []).compactMap { job in job.taskID.map { ($0, job) } }) { $1 }
        let folder = handle.folder.path
        builder.attempts = attempts(SlurmAttemptRecord.read(handle.folder), tasks: tasks, cancelled: status.state == .cancelled) { log in
            (try? FileManager.default.attributesOfItem(atPath: folder + "/" + log))?[.modificationDate] as? Date
        }
        return builder
    }

    /// The attempts the records tell, each ended one as its task decided (succeeded, retried,
    /// interrupted, failed, cancelled). One without an end was stopped before its batch script ended:
    /// interrupted when Slurm started the task again (preemption, a lost node), running while `tasks`
    /// (the cluster's jobs by `SlurmJobState.taskID`) says so, else failed (cancelled when the job was). Such an end
    /// is the next attempt's start, or the last write to its log (`lastWrite`, given its path).
    static func attempts(_ records: [SlurmAttemptRecord], tasks: [String: SlurmJobState], cancelled: Bool,
                         lastWrite: (String) -> Date? = { _ in nil }) -> [AttemptRecord] {
        let byTask = Dictionary(grouping: records) { TaskKey(stage: $0.stage, index: $0.task) }
        return byTask.keys.sorted().flatMap { key in
            let list = byTask[key]!.sorted { $0.attempt < $1.attempt }
            return list.indices.map { i in
                let record = list[i]
                let start = Date(timeIntervalSince1970: record.started)
                var attempt = AttemptRecord(stage: record.stage, task: record.task, attempt: record.attempt, start: start,
                                            end: record.ended.map { Date(timeIntervalSince1970: $0) }, outcome: record.outcome ?? .running,
                                            detail: record.detail, log: record.log)
                guard record.outcome == nil else { return attempt }
                let state = tasks[record.slurmTask]
                let unrecorded = "stopped on \(record.host) before its batch script ended"
                if i + 1 < list.count || (state.map { !$0.isFinal && $0.restarts > record.restart } ?? false) {
                    attempt.outcome = .interrupted
                    attempt.detail = unrecorded + "; Slurm requeued it (preempted, its node lost, or requeued by an admin)"
                    attempt.end = i + 1 < list.count ? Date(timeIntervalSince1970: list[i + 1].started) : (lastWrite(record.log) ?? start)
                } else if let state, !state.isFinal {
                    return attempt   // running
                } else {
                    attempt.outcome = cancelled || state?.state == "CANCELLED" ? .cancelled : .failed
                    attempt.detail = unrecorded + (state.map { ": \($0.state.lowercased()), exit \($0.exitCode ?? -1)" }
                                                   ?? " (Slurm no longer knows job \(record.slurmTask))")
                    attempt.end = max(start, lastWrite(record.log) ?? start)
                }
                return attempt
            }
        }
    }
}
