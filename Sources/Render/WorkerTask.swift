import Foundation
import ObjectStore
import RenderPlan

/// What an array task is asked to do, from the same environment variables AWS Batch sets:
/// `BLENDBATCH_MANIFEST` (a path or store URL of the job manifest) and `AWS_BATCH_JOB_ARRAY_INDEX`
/// (absent for a single-task job, meaning index 0). Every backend sets them so (Slurm's batch script
/// from `SLURM_ARRAY_TASK_ID`).
public struct WorkerTask: Sendable {
    public var manifest: JobManifest
    public var index: Int

    public static let manifestVariable = "BLENDBATCH_MANIFEST"
    public static let indexVariable = "AWS_BATCH_JOB_ARRAY_INDEX"

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

    /// The task's index from `AWS_BATCH_JOB_ARRAY_INDEX` (which every backend sets the Batch way); 0 when unset.
    public static func arrayIndex(_ environment: [String: String]) throws(WorkerError) -> Int {
        guard let text = environment[indexVariable] else { return 0 }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw WorkerError(.usage, "\(indexVariable)=\(text) is not an array index")
        }
        return value
    }
}
