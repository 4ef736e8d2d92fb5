import AWSServices
import Foundation
import ObjectStore
import Render
import RenderPlan

/// The report of a job on AWS Batch: its attempts from DescribeJobs (every array child's `attempts`,
/// with Spot reclaims told apart by their `Host EC2…` reason), its frames' metrics from the store.
public enum AWSReportSource {
    public static func builder(handle: AWSBatchJobHandle, status: JobStatus) async throws -> JobReportBuilder {
        var attempts: [AttemptRecord] = []
        for submission in handle.record.submissions {
            if let render = submission.renderJobId {
                let ids = submission.chunks > 1 ? try await handle.batch.arrayChildren(of: render).map(\.jobId) : [render]
                for detail in try await handle.batch.describeJobs(ids) {
                    attempts += Self.attempts(detail, stage: .render, task: detail.arrayProperties?.index ?? 0)
                }
            }
            if let stitch = submission.stitchJobId, let detail = try await handle.batch.describeJob(stitch) {
                attempts += Self.attempts(detail, stage: .stitch, task: 0)
            }
        }
        let definition = try? await handle.batch.jobDefinition(handle.record.jobDefinition)
        let vcpus = definition?.containerProperties?.resourceRequirements?.first { $0.type == "VCPU" }.flatMap { Int($0.value) }
        let folder = JobFolder(for: handle.manifest)
        var cost = CostRecord.recorded(folder: folder.path)
        if cost == nil, let data = try? await handle.store.read(key: AWSJobFolder(id: handle.id).key(CostRecord.fileName)) {
            cost = try? JSONDecoder().decode(CostRecord.self, from: data)
        }
        let frames = try await FrameMetrics.read(job: handle.id, store: handle.store)
        return JobReportBuilder(manifest: handle.manifest, backend: "aws", status: status, attempts: attempts, frames: frames,
                                coresPerTask: vcpus ?? 1, cost: cost, jobFolder: folder.path)
    }

    /// One Batch job's attempts (and the one running now, which Batch lists only once it ends).
    static func attempts(_ job: JobDetail, stage: Stage, task: Int) -> [AttemptRecord] {
        let recorded = job.attempts ?? []
        var records = recorded.enumerated().compactMap { number, attempt -> AttemptRecord? in
            guard let started = attempt.startedAt else { return nil }
            let exit = attempt.container?.exitCode
            let reason = [attempt.statusReason, attempt.container?.reason, exit.map { "exit \($0)" }].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: ": ")
            let last = number == recorded.count - 1
            let outcome: AttemptRecord.Outcome
            if exit == 0 { outcome = .succeeded }
            else if attempt.statusReason?.contains(AWSBatchJobHandle.cancelReason) == true { outcome = .cancelled }
            else if attempt.statusReason?.hasPrefix("Host EC2") == true || exit == Int(ExitCode.interrupted.rawValue) {
                outcome = last && job.status == .failed ? .failed : .interrupted
            } else { outcome = last && job.status == .failed ? .failed : .retried }
            return AttemptRecord(stage: stage, task: task, attempt: number + 1, start: date(started),
                                 end: attempt.stoppedAt.map(date), outcome: outcome, detail: reason.isEmpty ? nil : reason,
                                 log: attempt.container?.logStreamName)
        }
        if [.starting, .running].contains(job.status), let started = job.startedAt {
            records.append(AttemptRecord(stage: stage, task: task, attempt: recorded.count + 1, start: date(started), outcome: .running,
                                         log: job.container?.logStreamName))
        }
        return records
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
