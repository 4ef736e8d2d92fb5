import Foundation
import ObjectStore
import RenderPlan

/// A submitted job that runs on without this process, on a scheduler (AWS Batch, Slurm): any
/// process can follow it from its id, and a job submitted after it can wait for it there
/// (Batch `dependsOn`, Slurm `afterok`).
public protocol DetachedJob: JobHandle {
    /// `aws` or `slurm`, as `render --backend` names it.
    var backend: String { get }
    var manifest: JobManifest { get }
    /// What was submitted where (the scheduler's ids, its settings), as `render --json` prints it.
    var submission: any Encodable & Sendable { get }
    /// Where its frames go.
    var store: any ObjectStore { get }
    /// The scheduler's ids: the render jobs (one per array) and the stitch job.
    var schedulerJobIDs: (render: [String], stitch: String?) { get }
    /// Where the job stands; throws when the scheduler or the store cannot be read.
    func currentStatus() async throws -> JobStatus
    /// Frames of the job already in the store, made with its settings.
    func framesInStore() async throws -> Set<Int>
    /// The data of its report page (`blendbatch report`, Lua `job:report{}`).
    func reportBuilder(status: JobStatus) async throws -> JobReportBuilder
}
