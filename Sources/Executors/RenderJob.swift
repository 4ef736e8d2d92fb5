import ObjectStore
import RenderPlan

/// A submitted render, wherever it runs (this machine, AWS Batch, Slurm): what Lua's
/// `blendbatch.Job` holds, and what `status`, `report` and `--wait` follow.
public protocol RenderJob: JobHandle {
    /// `local`, `aws` or `slurm`, as `render --backend` names it.
    var backend: String { get }
    var manifest: JobManifest { get }
    /// Where its frames go.
    var store: any ObjectStore { get }
    /// Its folder of record (manifest, journal, logs) when it has one on a filesystem here.
    var folderPath: String? { get }
    /// Frames of the job already in the store, made with its settings.
    func framesInStore() async throws -> Set<Int>
    /// The data of its report page (`blendbatch report`, Lua `job:report{}`).
    func reportBuilder(status: JobStatus) async throws -> JobReportBuilder
}

extension LocalJobHandle: RenderJob {
    public var backend: String { "local" }
    public var manifest: JobManifest { run.manifest }
    public var store: any ObjectStore { run.store }
    public var folderPath: String? { folder.path }

    public func framesInStore() async throws -> Set<Int> { try await JobControl.framesDone(manifest, store: store) }

    public func reportBuilder(status: JobStatus) async throws -> JobReportBuilder {
        try await LocalReportSource.builder(folder: folder, status: status, store: store)
    }
}
