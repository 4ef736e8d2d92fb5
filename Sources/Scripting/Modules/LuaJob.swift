import Chaos
import Executors
import Foundation
import LuaKit
import ObjectStore
import RenderPlan
import Synchronization

/// A submitted job, as Lua sees it, wherever it runs. A job of this machine is run by this process
/// (a script that ends without waiting has it cancelled); one on a scheduler (AWS Batch, Slurm)
/// runs on without it, and `blendbatch status|cancel|resume ID` find it later.
final class LuaJob: LuaObject, @unchecked Sendable {
    // Sendable: `handle` is immutable and thread-safe (an actor inside); `lastReport` is only
    // touched under `lock`.
    static let luaTypeName = "blendbatch.Job"
    let handle: any RenderJob
    private let lock = NSLock()
    private var lastReport: JobStatus?

    init(handle: any RenderJob) { self.handle = handle }

    var manifest: JobManifest { handle.manifest }
    /// The scheduler's job, for one that runs on a scheduler.
    var detached: (any DetachedJob)? { handle as? any DetachedJob }

    var luaDescription: String { "blendbatch.Job \(handle.id)\(detached == nil ? "" : " (\(handle.backend))")" }

    /// The end report once `wait` returned it, else where the job stands now.
    func report() async -> JobStatus {
        if let final = lock.withLock({ lastReport }) { return final }
        return await handle.status()
    }

    /// Wait for the end. A job of this machine: `blendbatch render`'s progress bar with `progress`;
    /// Ctrl-C cancels the job cleanly and a second one kills its tasks, and the wait still returns
    /// the final report. A job on a scheduler: polled, a bar of the frames in the store; Ctrl-C stops
    /// following and the job goes on. With `handlers`, their functions are called as events arrive;
    /// returns the report as Lua sees it.
    func wait(_ args: LuaArgs, progress: Bool, handlers: JobEventHandlers) throws -> LuaValue {
        let follow: @Sendable (@escaping @Sendable (JobEvent) -> Void) async -> JobStatus
        var onInterrupt: (@Sendable (Int) -> Void)?
        if let local = handle as? LocalJobHandle {
            onInterrupt = { count in Task { await JobWatch.interrupted(local, count: count) } }
            follow = { sink in await JobWatch.follow(local, progress: progress, also: sink) }
        } else {
            let handle = self.handle
            let label = Backends.named(handle.backend)?.label ?? handle.backend
            follow = { sink in
                let bar = ProgressBar(label: "rendering on \(label)", total: Set(handle.manifest.allFrames).count,
                                      enabled: progress && isatty(STDERR_FILENO) == 1)
                defer { bar.finish() }
                return await handle.wait { event in
                    if case .frameDone(_, let done, _) = event { bar.update(done: done) }
                    sink(event)
                }
            }
        }
        let final: JobStatus, report: LuaValue
        if handlers.isEmpty {
            if let onInterrupt { final = try args.wait(onInterrupt: onInterrupt) { await follow { _ in } } } else {
                final = try args.wait { await follow { _ in } }
            }
            report = try Self.luaReport(final)
        } else {
            (final, report) = try handlers.follow(args, onInterrupt: onInterrupt, follow)
        }
        lock.withLock { lastReport = final }
        return report
    }

    /// The report as Lua sees it: the status fields plus `exit_code` (what `blendbatch render` exits with).
    static func luaReport(_ status: JobStatus) throws -> LuaValue {
        var table = try LuaValue(encoding: status).tableValue ?? [:]
        table["exit_code"] = .integer(Int(JobWatch.exitCode(status)))
        return .table(table)
    }

    static func luaMembers(_ m: LuaMembers<LuaJob>) {
        m.property("id", doc: "job.id -> string (what `blendbatch status|cancel|resume` and fis.spot_interruption{job=} take)") {
            .string($0.handle.id)
        }
        m.property("backend", doc: "job.backend -> 'local' | 'aws' | 'slurm'") { .string($0.handle.backend) }
        m.property("folder", doc: "job.folder -> string | nil (manifest, journal, logs; nil for an AWS job)") {
            $0.handle.folderPath.map(LuaValue.string) ?? .nil
        }
        m.property("render_job_id", doc: "job.render_job_id -> string | nil (the scheduler's array job; on Slurm the first of them)") {
            $0.detached?.schedulerJobIDs.render.first.map(LuaValue.string) ?? .nil
        }
        m.property("render_job_ids", doc: "job.render_job_ids -> {string...} (the scheduler's array jobs: Slurm splits at MaxArraySize)") {
            .array(($0.detached?.schedulerJobIDs.render ?? []).map(LuaValue.string))
        }
        m.property("stitch_job_id", doc: "job.stitch_job_id -> string | nil (the scheduler's job after the arrays)") {
            $0.detached?.schedulerJobIDs.stitch.map(LuaValue.string) ?? .nil
        }
        m.method("status", doc: "job:status() -> table\nframesDone, framesTotal, state, retries, interruptions, failedFrames, …, exit_code") { job, args in
            .value(try luaReport(try args.wait { await job.handle.status() }))
        }
        m.method("wait", doc: """
            job:wait{progress=true, on={...}} -> report
            Wait for the end; progress=true draws a progress bar (and, for a job of this machine, retry lines) on stderr.
            A job of this machine: Ctrl-C cancels it cleanly (a second one kills its tasks) and the report says
            'cancelled'. A job on a scheduler: Ctrl-C stops following; the job goes on (job:cancel() stops it).
            report.exit_code is what `blendbatch render` would exit with (0, 65, 69, 70, 130, ...).
            """ + "\n" + JobEventHandlers.doc) { job, args in
            let progress = try args.optionalTable(1)?.tableValue?["progress"]?.boolValue ?? false
            return .value(try job.wait(args, progress: progress, handlers: JobEventHandlers(args)))
        }
        m.method("summary", doc: """
            job:summary{json=false} -> string
            The end summary `blendbatch render` prints (with json=true: the report as its --json prints it).
            """) { job, args in
            let json = try args.optionalTable(1)?.tableValue?["json"]?.boolValue ?? false
            let report = try args.wait { await job.report() }
            if let local = job.handle as? LocalJobHandle { return .value(.string(try JobWatch.summary(report, folder: local.folder, json: json))) }
            return .value(.string(json ? try StableJSON.text(report) : report.summaryLines.joined(separator: "\n")))
        }
        m.method("cancel", doc: "job:cancel()\nStop the job: SIGTERM to its tasks, SIGKILL after a grace period (on a scheduler: cancel its jobs); frames already in the store stay.") { job, args in
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
            .value(try LuaJobReport.report(args) { (try await job.handle.reportBuilder(status: await job.report()), job.handle.store) })
        }
    }

    /// A manifest from argument `n`: a path to JSON, or a table.
    static func manifest(_ args: LuaArgs, _ n: Int) throws -> JobManifest {
        if let path = try? args.string(n) {
            guard let data = FileManager.default.contents(atPath: path) else { throw args.error(n, "cannot read manifest '\(path)'") }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do { return try decoder.decode(JobManifest.self, from: data) } catch { throw args.error(n, "'\(path)' is not a job manifest: \(error)") }
        }
        return try args.decode(JobManifest.self, n)
    }

    /// The executor settings of `batch.submit`'s and `render.submit`'s options (workers, blender,
    /// worker, and with `chaos` its Spot-interruption hook).
    static func configuration(_ options: [String: LuaValue], chaos: Bool = true) throws -> LocalExecutor.Configuration {
        var configuration = LocalExecutor.Configuration()
        if options["worker"] == nil, let missing = LocalExecutor.missingWorker { throw RenderProblem(code: .unavailable, message: missing) }
        if let workers = options["workers"]?.intValue { configuration.workers = max(1, workers) }
        if let blender = options["blender"]?.stringValue { configuration.environment["BLENDBATCH_BLENDER"] = blender }
        if let worker = options["worker"]?.stringValue { configuration.workerCommand = worker.split(separator: " ").map(String.init) }
        configuration.maxTimeSeconds = try RenderBudget.limits(options)?.maxTimeSeconds
        if chaos, let spec = options["chaos"] {
            let text = spec.stringValue ?? spec.tableValue?["spec"]?.stringValue ?? ""
            do { configuration.hooks.append(SpotInterrupter(spec: try ChaosSpec(parsing: text))) } catch {
                throw RenderProblem(code: .usage, message: "\(error)")
            }
        }
        return configuration
    }

    /// Start `manifest`; with `resume=true` in the options, continue the last job in its output
    /// that does the same work instead (as `blendbatch render --resume`).
    /// With `after`, the job starts when those jobs succeeded (see `JobGraph`).
    static func submit(_ manifest: JobManifest, options: [String: LuaValue], after: [JobPrerequisite] = []) async throws -> LuaJob {
        let executor = LocalExecutor(configuration: try configuration(options))
        let handle: LocalJobHandle
        do {
            if options["resume"]?.boolValue == true {
                guard after.isEmpty else { throw RenderProblem(code: .usage, message: "resume=true continues a job now; it cannot also wait with after=") }
                handle = try await executor.resumeOrStart(manifest, output: manifest.output.location) { JobWatch.note($0) }
            } else {
                handle = try await executor.start(manifest, after: after)
            }
        } catch let error as StoreError {
            throw RenderProblem(code: .storeError, message: error.description)
        }
        outstanding.withLock { $0.append(handle) }
        return LuaJob(handle: handle)
    }

    /// Jobs Lua started in this process. This process is their controller, so none may outlive it.
    private static let outstanding = Mutex<[LocalJobHandle]>([])

    /// Cancel, cleanly, every job Lua started that is still running: a recipe or REPL session is
    /// ending (done, failed or interrupted) without having waited for them. Each gets one line on
    /// stderr saying how to continue it. Returns the ids cancelled.
    @discardableResult
    static func cancelOutstanding() async -> [String] {
        let handles = outstanding.withLock { handles in
            defer { handles.removeAll() }
            return handles
        }
        var cancelled: [String] = []
        for handle in handles where !(await handle.status().state.isFinal) {
            JobWatch.note("blendbatch: job \(handle.id) was still running when the script ended: cancelling it "
                          + "(wait for it with job:wait(); its frames so far are kept: blendbatch resume \(handle.id))")
            await handle.cancel()
            _ = await handle.wait { _ in }
            cancelled.append(handle.id)
        }
        return cancelled
    }
}
