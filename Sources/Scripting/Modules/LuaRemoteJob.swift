import AWSCore
import AWSServices
import Executors
import Foundation
import LuaKit
import ObjectStore
import RenderPlan

/// A job submitted to a scheduler (AWS Batch or Slurm), as Lua sees it. Nothing on this machine
/// runs it: it goes on when the script ends, and `blendbatch status|cancel|resume ID` find it later.
final class LuaRemoteJob: LuaObject, @unchecked Sendable {
    // Sendable: `handle` is immutable and thread-safe; `lastReport` is only touched under `lock`.
    static let luaTypeName = "blendbatch.RemoteJob"
    let handle: any DetachedJob
    private let lock = NSLock()
    private var lastReport: JobStatus?

    init(handle: any DetachedJob) { self.handle = handle }

    var luaDescription: String { "blendbatch.RemoteJob \(handle.id) (\(handle.backend))" }

    static func luaMembers(_ m: LuaMembers<LuaRemoteJob>) {
        m.property("id", doc: "job.id -> string (what `blendbatch status|cancel|resume` and fis.spot_interruption{job=} take)") {
            .string($0.handle.id)
        }
        m.property("backend", doc: "job.backend -> 'aws' | 'slurm'") { .string($0.handle.backend) }
        m.property("render_job_id", doc: "job.render_job_id -> string (the scheduler's array job; on Slurm the first of them)") {
            $0.handle.schedulerJobIDs.render.first.map(LuaValue.string) ?? .nil
        }
        m.property("render_job_ids", doc: "job.render_job_ids -> {string...} (the scheduler's array jobs: Slurm splits at MaxArraySize)") {
            .array($0.handle.schedulerJobIDs.render.map(LuaValue.string))
        }
        m.property("stitch_job_id", doc: "job.stitch_job_id -> string | nil (the scheduler's job after the arrays)") {
            $0.handle.schedulerJobIDs.stitch.map(LuaValue.string) ?? .nil
        }
        m.method("status", doc: "job:status() -> table\nframesDone, framesTotal, state, tasks…, exit_code, from the scheduler and the store") { job, args in
            .value(try LuaJob.luaReport(try args.wait { await job.handle.status() }))
        }
        m.method("wait", doc: """
            job:wait{progress=true, on={...}} -> report
            Follow the job on its scheduler to its end (polling); progress=true draws a progress bar of the frames in
            the store on stderr. Ctrl-C stops following; the job goes on (job:cancel() stops it).
            """ + "\n" + JobEventHandlers.doc) { job, args in
            let progress = try args.optionalTable(1)?.tableValue?["progress"]?.boolValue ?? false
            let handlers = try JobEventHandlers(args)
            let handle = job.handle
            let follow: @Sendable (@escaping @Sendable (JobEvent) -> Void) async -> JobStatus = { sink in
                let bar = ProgressBar(label: "rendering on \(handle.backend == "aws" ? "AWS" : "Slurm")", total: Set(handle.manifest.allFrames).count,
                                      enabled: progress && isatty(STDERR_FILENO) == 1)
                defer { bar.finish() }
                return await handle.wait { event in
                    if case .frameDone(_, let done, _) = event { bar.update(done: done) }
                    sink(event)
                }
            }
            let final: JobStatus, report: LuaValue
            if handlers.isEmpty {
                final = try args.wait { await follow { _ in } }
                report = try LuaJob.luaReport(final)
            } else {
                (final, report) = try handlers.follow(args, onInterrupt: nil, follow)
            }
            job.lock.withLock { job.lastReport = final }
            return .value(report)
        }
        m.method("cancel", doc: "job:cancel()\nCancel the job's scheduler jobs (frames already in the store stay).") { job, args in
            try args.wait { await job.handle.cancel() }
            return .none
        }
        m.method("frames", doc: "job:frames() -> {int...}\nThe job's frames now in the store, in order.") { job, args in
            .value(try args.wait { try await job.handle.framesInStore().sorted() })
        }
        m.method("metrics", doc: LuaJobReport.metricsDoc) { job, args in
            .value(try LuaJobReport.metrics(args, job: job.handle.id, store: job.handle.store))
        }
        m.method("report", doc: LuaJobReport.reportDoc) { job, args in
            let handle = job.handle
            return .value(try LuaJobReport.report(args) {
                (try await handle.reportBuilder(status: try await handle.currentStatus()), handle.store)
            })
        }
    }

    /// Plan `request` for AWS Batch and submit it to `queue` (with `jobDefinition`, default the
    /// stack's): a local .blend goes up with the files it uses, notes go to stderr.
    static func submitToAWS(_ request: RenderRequest, queue: String, jobDefinition: String?, environment: AWSEnvironment,
                       index: AWSJobIndex, after: [AWSBatchJobHandle] = []) async throws -> LuaRemoteJob {
        guard case .s3? = try? StoreLocation(parsing: request.out ?? "") else {
            throw RenderProblem(code: .usage, message: "backend 'aws' needs out = 's3://BUCKET/PREFIX' (Batch tasks cannot write to this machine)")
        }
        guard case .local? = try? StoreLocation(parsing: request.file) else {
            throw RenderProblem(code: .usage, message: "backend 'aws' in Lua takes a .blend on this machine; "
                + "for one in S3 use `blendbatch render \(request.file) --backend aws`")
        }
        let manifest: JobManifest
        do { manifest = try await request.planForAWS() } catch { throw RenderProblem(code: error.code, message: error.message) }
        let client = AWSClient(configuration: .resolve(environment: environment))
        var executor = AWSBatchExecutor(batch: BatchClient(client: client),
                                        settings: AWSBatchSettings(queue: queue, jobDefinition: jobDefinition ?? AWSBatchSettings.defaultJobDefinition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = index
        executor.notice = { JobWatch.note("blendbatch: " + $0) }
        do {
            return LuaRemoteJob(handle: try await executor.submitJob(manifest, after: after))
        } catch let error as AWSBatchError {
            throw RenderProblem(code: error.exitCode, message: "submitting job \(manifest.id) to \(queue): \(error)")
        } catch let error as StoreError {
            throw RenderProblem(code: .storeError, message: "submitting job \(manifest.id) to \(queue): \(error)")
        } catch {
            throw RenderProblem(code: .failure, message: "submitting job \(manifest.id) to \(queue): \(error)")
        }
    }

    /// Plan `request` here and submit it to Slurm with `placement` (`sbatch` options); the tasks get
    /// `environment`. With `after`, the arrays wait on the cluster (`afterok`) for those jobs.
    static func submitToSlurm(_ request: RenderRequest, placement: SlurmExecutor.Placement, environment: [String: String],
                              after: [SlurmJobHandle]) async throws -> LuaRemoteJob {
        let (manifest, executor): (JobManifest, SlurmExecutor)
        do {
            (manifest, executor) = try await SlurmPlanning.plan(request, for: SlurmExecutor(placement: placement, environment: environment)) {
                JobWatch.note("blendbatch: " + $0)
            }
        } catch { throw RenderProblem(code: error.code, message: error.message) }
        RenderModuleSupport.noteMissingFiles(manifest.input)
        do {
            return LuaRemoteJob(handle: try await executor.start(manifest, after: after))
        } catch let error as SlurmError {
            throw RenderProblem(code: error.code, message: "submitting job \(manifest.id) to Slurm: \(error.message)")
        } catch {
            throw RenderProblem(code: .ioError, message: "submitting job \(manifest.id) to Slurm: \(error)")
        }
    }
}
