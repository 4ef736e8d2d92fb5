import Chaos
import Executors
import Foundation
import LuaKit
import RenderPlan

extension LuaModule {
    /// `batch`: submit job manifests to the local executor and follow them.
    static let batch = LuaModule("batch", doc: """
        Run render jobs on this machine's process pool (the local executor) and follow them.
        A job is a handle: job:status(), job:wait{progress=true}, job:cancel(), job:frames().
        """) { m in
        m.function("submit", doc: """
            batch.submit(manifest [, options]) -> job | nil, err, code
            Start a job. manifest: a path to a manifest.json, or a manifest table (as render.plan returns).
            options: {workers=N, blender=path, chaos=fis.spot_interruption{...} or 'interrupt=30%',
            worker='cmd' (the task command; default: this blendbatch's `worker`)}.
            """) { args in
            let manifest = try LuaJob.manifest(args, 1)
            let options = try args.optionalTable(2)?.tableValue ?? [:]
            return .object(try args.wait { try await LuaJob.submit(manifest, options: options) })
        }
        m.function("status", doc: """
            batch.status(job) -> table | nil, err, code
            Where a job stands, by id or job folder (also jobs run by other processes, or whose controller died).
            """) { args in
            let job = try args.string(1)
            return .value(try args.wait { try await JobControl.status(folder: JobFolder.find(job, output: nil)) })
        }
        m.function("cancel", doc: """
            batch.cancel(job) -> table | nil, err, code
            Cancel a job by id or job folder, from any process; returns its status afterwards.
            """) { args in
            let job = try args.string(1)
            return .value(try args.wait { try await JobControl.cancel(folder: JobFolder.find(job, output: nil)) })
        }
    }

    /// `fis`: fault-injection experiments; on the local backend they map to blendbatch's chaos injection.
    static let fis = LuaModule("fis", doc: """
        Fault injection like AWS FIS. Locally, fis.spot_interruption{...} describes Spot interruptions that
        batch.submit / render.submit inject into running tasks (SIGTERM notice, then SIGKILL).
        """) { m in
        m.function("spot_interruption", doc: """
            fis.spot_interruption{share='30%', notice='2s', seed=N, max=3} -> experiment
            A share of task attempts gets an interruption notice, then is reclaimed after `notice`
            (EC2 gives 2 minutes). Pass it as {chaos = ...} to batch.submit or render.submit.
            On AWS: fis.spot_interruption{job=ID, count=N | percent=P, notice='PT2M'} -> experiment with
            :state(), :wait(), :stop() — a real AWS FIS experiment against the job's Spot instances.
            """) { args in
            let options = try args.optionalTable(1)?.tableValue ?? [:]
            if let experiment = try FISExperimentObject.startIfAWS(options, args) { return .object(experiment) }
            var parts: [String] = []
            let share = options["share"] ?? options["interrupt"] ?? options["percent"].map { value in
                value.doubleValue.map { .string("\($0)%") } ?? value
            }
            guard let share else { throw args.error(1, "share expected (e.g. share='30%')") }
            parts.append("interrupt=\(share.stringValue ?? share.doubleValue.map { String($0) } ?? "")")
            if let notice = options["notice"] { parts.append("notice=\(notice.stringValue ?? notice.doubleValue.map { "\($0)s" } ?? "")") }
            if let seed = options["seed"]?.intValue { parts.append("seed=\(seed)") }
            if let max = options["max"]?.intValue { parts.append("max=\(max)") }
            let spec: ChaosSpec
            do { spec = try ChaosSpec(parsing: parts.joined(separator: ",")) } catch { throw args.error(1, "\(error)") }
            return .value(LuaValue.table(["kind": .string("spot_interruption"), "spec": .string(spec.description),
                                          "share": .number(spec.share), "notice": .number(spec.notice),
                                          "seed": .integer(Int(truncatingIfNeeded: spec.seed))]))
        }
    }
}

/// A submitted job, as Lua sees it.
final class LuaJob: LuaObject, @unchecked Sendable {
    // Sendable: both fields are immutable; the handle is itself thread-safe (an actor inside).
    static let luaTypeName = "blendbatch.Job"
    let handle: LocalJobHandle
    let manifest: JobManifest

    init(handle: LocalJobHandle, manifest: JobManifest) {
        self.handle = handle
        self.manifest = manifest
    }

    var luaDescription: String { "blendbatch.Job \(handle.id)" }

    static func luaMembers(_ m: LuaMembers<LuaJob>) {
        m.property("id", doc: "job.id -> string") { .string($0.handle.id) }
        m.property("folder", doc: "job.folder -> string (manifest, journal, logs)") { .string($0.handle.folder.path) }
        m.method("status", doc: "job:status() -> table\nframesDone, framesTotal, state, retries, interruptions, failedFrames, …") { job, args in
            .value(try args.wait { await job.handle.status() })
        }
        m.method("wait", doc: "job:wait{progress=true} -> report\nWait for the end; progress=true draws a progress line on stderr.") { job, args in
            let progress = try args.optionalTable(1)?.tableValue?["progress"]?.boolValue ?? false
            let total = job.manifest.allFrames.count
            return .value(try args.wait {
                let line = progress ? ProgressLine(total: total) : nil
                let report = await job.handle.wait { event in line?.show(event) }
                line?.finish()
                return report
            })
        }
        m.method("cancel", doc: "job:cancel()\nStop the job: SIGTERM to its tasks, SIGKILL after a grace period.") { job, args in
            try args.wait { await job.handle.cancel() }
            return .none
        }
        m.method("frames", doc: "job:frames() -> {int...}\nThe job's frames now in the store, in order.") { job, args in
            .value(try args.wait {
                try await JobControl.framesDone(job.manifest, store: LocalExecutor.localStore(for: job.manifest)).sorted()
            })
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

    static func submit(_ manifest: JobManifest, options: [String: LuaValue]) async throws -> LuaJob {
        var configuration = LocalExecutor.Configuration()
        if let workers = options["workers"]?.intValue { configuration.workers = max(1, workers) }
        if let blender = options["blender"]?.stringValue { configuration.environment["BLENDBATCH_BLENDER"] = blender }
        if let worker = options["worker"]?.stringValue { configuration.workerCommand = worker.split(separator: " ").map(String.init) }
        if let chaos = options["chaos"] {
            let text = chaos.stringValue ?? chaos.tableValue?["spec"]?.stringValue ?? ""
            configuration.hooks.append(SpotInterrupter(spec: try ChaosSpec(parsing: text)))
        }
        let handle = try await LocalExecutor(configuration: configuration).start(manifest)
        return LuaJob(handle: handle, manifest: manifest)
    }
}

/// A one-line progress display on stderr for `job:wait{progress=true}`.
final class ProgressLine: @unchecked Sendable {
    // Sendable: fields are touched only under `lock`.
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    private var detail = ""
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) == 1

    init(total: Int) { self.total = total }

    func show(_ event: JobEvent) {
        lock.withLock {
            switch event {
            case .frameDone(_, let count, _): done = count
            case .sample(let frame, let sample, let of): detail = "frame \(frame) · sample \(sample)/\(of)"
            default: return
            }
            guard enabled else { return }
            let line = "frames \(done)/\(total) \(Int(Date().timeIntervalSince(start)))s \(detail)"
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
