import Foundation
import ObjectStore
import RenderPlan

/// A submitted job that runs on without this process, on a scheduler (AWS Batch, Slurm): any
/// process can follow it from its id, and a job submitted after it can wait for it there
/// (Batch `dependsOn`, Slurm `afterok`).
public protocol DetachedJob: RenderJob {
    /// What was submitted where (the scheduler's ids, its settings), as `render --json` prints it.
    var submission: any Encodable & Sendable { get }
    /// The scheduler's ids: the render jobs (one per array) and the stitch job.
    var schedulerJobIDs: (render: [String], stitch: String?) { get }
    /// Where the job stands; throws when the scheduler or the store cannot be read.
    func currentStatus() async throws -> JobStatus
}
