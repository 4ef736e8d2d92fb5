import Foundation
import ObjectStore
import RenderPlan

/// What an array task is asked to do, from the same environment variables AWS Batch sets:
/// `BLENDBATCH_MANIFEST` (a path or store URL of the job manifest) and `AWS_BATCH_JOB_ARRAY_INDEX`
/// (absent for a single-task job, meaning index 0). On Slurm the index is `SLURM_ARRAY_TASK_ID` plus
/// `BLENDBATCH_INDEX_OFFSET` (a job split into several arrays above the cluster's `MaxArraySize`).
public struct WorkerTask: Sendable {
    public var manifest: JobManifest
    public var index: Int

    public static let manifestVariable = "BLENDBATCH_MANIFEST"
    public static let indexVariable = "AWS_BATCH_JOB_ARRAY_INDEX"
    public static let slurmIndexVariable = "SLURM_ARRAY_TASK_ID"
    public static let indexOffsetVariable = "BLENDBATCH_INDEX_OFFSET"

    /// Load the task; explicit values win over the environment.
    public static func load(manifest explicitManifest: String? = nil, index explicitIndex: Int? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) async throws(WorkerError) -> WorkerTask {
        guard let source = explicitManifest ?? environment[manifestVariable], !source.isEmpty else {
            throw WorkerError(.usage, "no job manifest: set \(manifestVariable) to its path or URL (or pass --manifest)")
        }
        let data: Data
        do { data = try await StoreOpener.read(source) } catch let error as StoreError {
            if case .notFound = error { throw WorkerError(.noInput, "job manifest \(source) does not exist") }
            throw RenderWorker.storeFailure(error, doing: "reading job manifest \(source)")
        } catch {
            throw RenderWorker.storeFailure(error, doing: "reading job manifest \(source)")
        }
        let manifest: JobManifest
        do { manifest = try JobManifest.decode(data, source: source) } catch { throw WorkerError(.dataError, error.description) }

        if let explicitIndex { return WorkerTask(manifest: manifest, index: explicitIndex) }
        return WorkerTask(manifest: manifest, index: try arrayIndex(environment))
    }

    /// The task's index from Batch's or Slurm's variables; 0 when neither is set.
    public static func arrayIndex(_ environment: [String: String]) throws(WorkerError) -> Int {
        func value(_ name: String) throws(WorkerError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw WorkerError(.usage, "\(name)=\(text) is not an array index")
            }
            return value
        }
        if let index = try value(indexVariable) { return index }
        guard let index = try value(slurmIndexVariable) else { return 0 }
        let offset = try value(indexOffsetVariable)
        return index + (offset ?? 0)
    }
}
