import Foundation
import RenderPlan

/// Slurm as a ``SchedulerBackend``: `sbatch --array` of the chunks and a stitch job after them
/// (`afterok`), the job's record in its job folder on a filesystem every node sees.
public enum SlurmBackend: SchedulerBackend {
    public static let name = "slurm"
    public static let label = "Slurm"

    static let placementFields: [RequestField<SlurmExecutor.Placement>] = [
        .text("partition", \.partition, help: "Slurm partition (default: the cluster's default partition)"),
        .text("account", \.account, help: "Slurm account to charge"),
        .text("qos", \.qos, help: "Slurm quality of service"),
        .text("gres", \.gres, help: "generic resources per task, e.g. gpu:1 (with device cuda or optix)"),
        .text("time", \.time, help: "time limit per task in Slurm's format (30, 2:00:00, 1-0), or auto: render 3 sample frames here (kept; the tasks skip them) and cover the largest task at their p90 time plus Blender's start-up, × 1.5, at least 5 min. Tasks get SIGTERM 60 s before the limit, store what they finished and are requeued"),
    ]
    public static var fields: [FieldSpec] { placementFields.map(\.spec) }

    public static let refused = [
        "chunk_time": "it measures on this machine; on Slurm give chunk",
        "chaos": "it drills this machine; on Slurm, preempt a task with scontrol requeue",
        "resume": "on Slurm use `blendbatch resume JOB`",
        "max_time": "it limits a render on this machine; on Slurm give time for a per-task limit (time auto sizes it from sample frames)",
    ]

    public static func submit(_ request: RenderRequest, options: [String: RequestValue], after: [any DetachedJob],
                              context: BackendContext) async throws(RenderRequest.Problem) -> any DetachedJob {
        var placement = SlurmExecutor.Placement()
        do { try RequestField.apply(context.defaults.merging(options) { $1 }, to: &placement, fields: placementFields) } catch {
            throw .init(.usage, error.message)
        }
        placement.throttle = request.workers
        let environment = request.blender.map { ["BLENDBATCH_BLENDER": $0] } ?? [:]
        let (manifest, executor) = try await SlurmPlanning.plan(request, for: SlurmExecutor(placement: placement, environment: environment),
                                                                note: context.notice)
        if let note = JobManifest.missingFilesNote(manifest.input) { context.notice(note) }
        return try await start(manifest, on: executor, after: after.compactMap { $0 as? SlurmJobHandle })
    }

    static func start(_ manifest: JobManifest, on executor: SlurmExecutor,
                      after: [SlurmJobHandle] = []) async throws(RenderRequest.Problem) -> SlurmJobHandle {
        do {
            return try await executor.start(manifest, after: after)
        } catch let error as SlurmError {
            throw .init(error.code, error.message)
        } catch {
            throw .init(.ioError, "submitting job \(manifest.id) to Slurm: \(error)")
        }
    }

    public static func find(_ id: String, folder: JobFolder?, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)? {
        guard let folder else { return nil }
        do { return try SlurmJobHandle.open(folder) } catch { throw .init(.dataError, "\(folder.path): \(error)") }
    }

    /// Submit the job again when it has ended: its tasks skip the frames already in the store.
    public static func resume(_ job: any DetachedJob, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)? {
        guard let handle = job as? SlurmJobHandle else { return nil }
        let current: JobStatus
        do { current = try await handle.currentStatus() } catch { throw .init(.unavailable, "\(error)") }
        if !current.state.isFinal { throw .init(.usage, "job \(handle.id) is still \(current.state.rawValue) on Slurm; resume it when it ended") }
        if current.state == .succeeded { return nil }
        await handle.cancel()
        handle.uncancel()
        return try await start(handle.manifest, on: SlurmExecutor(placement: handle.record.placement ?? .init(),
                                                                  environment: handle.record.environment ?? [:]))
    }

    public static func describe(_ job: any DetachedJob) -> [String] {
        guard let handle = job as? SlurmJobHandle else { return [] }
        let arrays = handle.record.arrays.map { "array \($0.jobID) (\($0.count) tasks)" }.joined(separator: ", ")
        return ["slurm: \(arrays)\(handle.record.stitchJobID.map { ", stitch \($0) (afterok)" } ?? "")",
                "logs: \(handle.folder.logsPath)",
                "follow: blendbatch status \(handle.id)   cancel: blendbatch cancel \(handle.id)"]
    }

    /// The batch script's steps around the worker: `started` records the attempt in the job folder and
    /// prints its number (the script hands it to the worker as `AWS_BATCH_JOB_ATTEMPT`); `ended CODE`
    /// applies the retry policy (requeue, counted or not, or fail) before any requeue ends the script.
    public static func taskHook(_ step: String, _ arguments: [String]) throws -> (output: String?, note: String?) {
        switch (step, arguments.count) {
        case ("started", 0):
            guard let task = SlurmTaskIdentity(environment: ProcessInfo.processInfo.environment) else {
                throw RenderRequest.Problem(.usage, "not a Slurm task of blendbatch (no BLENDBATCH_JOB_FOLDER or SLURM_JOB_ID)")
            }
            do { return (String(try SlurmAttemptRecord.started(task)), nil) } catch {
                throw RenderRequest.Problem(.ioError, "cannot record the attempt in \(task.folder.path): \(error)")
            }
        case ("ended", 1):
            guard let code = Int32(arguments[0]) else { throw RenderRequest.Problem(.usage, "task-hook slurm ended CODE: CODE is the worker's exit code") }
            let decision = SlurmTaskEnd.handle(code: code)
            return (nil, decision == .done ? nil : decision.summary(code: code))
        default:
            throw RenderRequest.Problem(.usage, "Slurm task steps: started, ended CODE")
        }
    }

    public static func problem(_ error: any Error, doing what: String) -> RenderRequest.Problem {
        if let error = error as? SlurmError { return .init(error.code, error.message) }
        return error as? RenderRequest.Problem ?? .init(.failure, "\(what): \(error)")
    }
}
