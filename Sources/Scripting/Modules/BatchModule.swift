import Chaos
import Executors
import Foundation
import LuaKit
import RenderPlan

extension LuaModule {
    /// `batch`: submit job manifests to the local executor and follow them.
    static let batch = LuaModule("batch", doc: """
        Run render jobs on this machine's process pool (the local executor) and follow them.
        A job is a handle: job:status(), job:wait{progress=true}, job:summary{json=}, job:cancel(), job:frames().
        """) { m in
        m.function("submit", doc: """
            batch.submit(manifest [, options]) -> job | nil, err, code
            Start a job. manifest: a path to a manifest.json, or a manifest table (as render.plan returns).
            options: {workers=N, blender=path, chaos=fis.spot_interruption{...} or 'interrupt=30%',
            worker='cmd' (the task command; default: this blendbatch's `worker`), after=job or {job, ...}}.
            \(JobGraph.afterDoc)
            This process runs the job: a script that ends without job:wait() has it cancelled (frames kept).
            """) { args in
            let capabilities = Capabilities.of(args)
            if let path = try? args.string(1) { try capabilities.require(.read, path, args) }
            var loaded = try LuaJob.manifest(args, 1)
            if !capabilities.mayRunScripts(of: loaded.input) { loaded.blendScripts = false }  // not a .blend the user named
            let manifest = loaded
            let options = try args.optionalTable(2)?.tableValue ?? [:]
            try capabilities.requireJob(manifest, options: options, args)
            let after = try args.isNil(2) ? [] : JobGraph.prerequisites(args, 2)
            let job = try args.wait { try await LuaJob.submit(manifest, options: options, after: after) }
            capabilities.grantJob(job)
            return .object(job)
        }
        m.function("status", doc: """
            batch.status(job) -> table | nil, err, code
            Where a job stands, by id or job folder (also jobs run by other processes, or whose controller died).
            """) { args in
            let job = try args.string(1)
            try Capabilities.of(args).requireJob(job, args)
            return .value(try args.wait { try await JobControl.status(folder: JobFolder.find(job, output: nil)) })
        }
        m.function("cancel", doc: """
            batch.cancel(job) -> table | nil, err, code
            Cancel a job by id or job folder, from any process; returns its status afterwards.
            """) { args in
            let job = try args.string(1)
            try Capabilities.of(args).requireJob(job, args)
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

