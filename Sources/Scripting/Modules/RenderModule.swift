import Chaos
import Executors
import Foundation
import LuaKit
import ObjectStore
import Render
import RenderPlan

extension LuaModule {
    /// `render`: plan and start renders of a .blend on this machine.
    static let render = LuaModule("render", doc: """
        Render a .blend on this machine (the local executor): render.plan{...} makes the job manifest,
        render.submit{...} starts it and returns a job (job:status(), job:wait{progress=true}, job:summary{json=},
        job:cancel(), job:frames()). The bundled recipe render.lua, which `blendbatch render` runs, shows them all.
        """) { m in
        // The fields, from the declaration `blendbatch render`'s options come from.
        let fields = "{" + RenderRequest.fields.map { "\($0.name)=" }.joined(separator: ", ") + "}"
        let fieldHelp = RenderRequest.fields.map { "  \($0.name) (\($0.spec.kind.rawValue)): \($0.spec.help)" }.joined(separator: "\n")
        m.function("plan", doc: "render.plan\(fields) -> manifest | nil, err, code\nRead the .blend and plan the job; nothing runs.\n\(fieldHelp)") { args in
            try RenderModuleSupport.failingAsLua {
                let request = try RenderModuleSupport.request(args, 1)
                try Capabilities.of(args).require(.read, request.file, args)
                return .value(try args.wait { try await RenderModuleSupport.plan(request, measureWith: nil) })
            }
        }
        m.function("submit", doc: """
            render.submit{...} -> job | nil, err, code
            The fields of render.plan, plus blender=path, chaos=fis.spot_interruption{...} (or 'interrupt=30%')
            and resume=true (continue the last job for `out` with the same settings, as `blendbatch render
            --resume`). max_time='30m' (as `render --max-time`): sample frames first and refuse (usage) when the
            estimate's p90 is over it; once the job has run that long no new task starts (exit 75, frames kept).
            Plans and starts the job; frames already in the output are not rendered again.
            This process runs the job: a script that ends without job:wait() has it cancelled (frames kept).
            An s3:// out gets every frame uploaded as it is saved (the job folder stays on this machine, in
            $BLENDBATCH_STATE_DIR or ~/.local/state/blendbatch/jobs); its bucket is checked first.
            code names the exit code `blendbatch render` gives the failure: 'usage' (64: bad frames or
            option), 'data_error' (65: bad .blend, unknown scene), 'no_input' (66: no such file),
            'store_error' (76: unknown bucket, refused credentials, unreachable store); end a recipe
            with it by fail(err, code).
            \(JobGraph.afterDoc)
            With backend='aws' (and queue=, job_definition= as `render --backend aws` takes them; out must be
            s3://): the job goes to AWS Batch instead. With backend='slurm' (and partition=, account=, qos=,
            gres=, time= as `render --backend slurm` takes them, time='auto' too; out is a folder every node
            mounts or s3://): it goes to Slurm with sbatch. Either way the job that comes back (job:status(),
            job:wait{progress=true}, job:cancel(), job:frames(), job.id, job.render_job_ids) runs on
            without this process.
            """) { args in
            let options = try args.table(1).tableValue ?? [:]
            let capabilities = Capabilities.of(args)
            try capabilities.requireRender(options, args)
            if let name = options["backend"]?.stringValue, name != "local" {
                guard let backend = Backends.named(name) else {
                    throw args.error(1, "backend '\(name)': use \(Backends.names.map { "'\($0)'" }.joined(separator: ", "))")
                }
                let after = try JobGraph.remotePrerequisites(args, 1, backend: name)
                return try RenderModuleSupport.failingAsLua {
                    let job = try RenderModuleSupport.submit(to: backend, args, options, after: after)
                    capabilities.grantJob(job)
                    return .object(job)
                }
            }
            let after = try JobGraph.prerequisites(args, 1)
            return try RenderModuleSupport.failingAsLua {
                let request = try RenderModuleSupport.request(args, 1)
                var probes = try LuaJob.configuration(options, chaos: false)
                probes.maxTimeSeconds = nil  // probes and samples run to their end
                let measure = probes
                let budget = try RenderBudget.limits(options)
                let job = try args.wait {
                    var estimate: CostEstimate?
                    if let budget { estimate = try await RenderBudget.check(request, budget, executor: LocalExecutor(configuration: measure)) }
                    let manifest = try await RenderModuleSupport.plan(request, measureWith: LocalExecutor(configuration: measure))
                    if let note = JobManifest.missingFilesNote(manifest.input) { JobWatch.note("blendbatch: " + note) }
                    let job = try await LuaJob.submit(manifest, options: options, after: after)
                    if let budget, let folder = job.handle.folderPath { RenderBudget.record(estimate, budget, folder: folder) }
                    return job
                }
                capabilities.grantJob(job)
                return .object(job)
            }
        }
        m.function("wait_all", doc: """
            render.wait_all({job, ...} [, {progress=true}]) -> {report, ...}, all_succeeded
            Wait for every job (local or AWS) to end; the reports come in the list's order. With progress, one
            line on stderr as each ends. Jobs skipped because a job they come after failed say so in report.reason.
            """) { args in try JobGraph.waitAll(args) }
    }
}

enum RenderModuleSupport {
    /// What `render.submit{}` takes besides the request's fields and the backends' own: for a job on
    /// a scheduler, and for one on this machine (`worker=`, the task command).
    static let schedulerSubmitFields: Set = ["backend", "after", "max_cost"]
    static let submitFields = schedulerSubmitFields.union(["worker"])

    /// The request in table `n`, decoded by `RenderRequest.fields` (a field of the wrong type, or a
    /// `chunk_time` that is no duration, is a usage problem naming it; a field no one takes, besides
    /// the caller's own `also`, too).
    static func request(_ args: LuaArgs, _ n: Int, also: Set<String> = []) throws -> RenderRequest {
        let table = try args.table(n).tableValue ?? [:]
        guard table["file"]?.stringValue != nil else { throw args.error(n, "file expected (render.submit{file='shot.blend'})") }
        let backend = table["backend"]?.stringValue.flatMap(Backends.named)
        for name in table.keys.sorted() where !RenderRequest.fields.contains(where: { $0.name == name }) && !submitFields.contains(name) && !also.contains(name) {
            if let owner = Backends.owner(of: name) {
                if owner == backend { continue }
                throw RenderProblem(code: .usage, message: "\(name) is for backend '\(owner.name)'")
            }
            throw RenderProblem(code: .usage, message: "render.submit has no field '\(name)' (it takes \(RenderRequest.fields.map(\.name).joined(separator: ", ")), "
                + "\(submitFields.sorted().joined(separator: ", ")), and each backend's own: see help(render.submit))")
        }
        var request = RenderRequest(file: "")
        for field in RenderRequest.fields {
            guard var value = table[field.name], value != .nil else { continue }
            // chaos = fis.spot_interruption{...} outside AWS: the drill's spec.
            if field.name == "chaos", let spec = value.tableValue?["spec"] { value = spec }
            guard let given = RequestValue(lua: value) else {
                throw RenderProblem(code: .usage, message: "\(field.name): expected a \(field.spec.kind.rawValue), got \(value.typeName)")
            }
            do { try field.set(given, in: &request) } catch { throw RenderProblem(code: .usage, message: error.message) }
        }
        // A shared recipe's renders run the Python saved in a .blend only if the user named that file.
        if !Capabilities.of(args).mayRunScripts(of: request.file) { request.blendScripts = false }
        return request
    }

    /// `render.submit{backend=NAME, ...}`: the request and the backend's own fields (`queue=`,
    /// `partition=`), planned and submitted by the backend, after jobs of the same backend.
    static func submit(to backend: any SchedulerBackend.Type, _ args: LuaArgs, _ options: [String: LuaValue],
                       after: [any DetachedJob]) throws -> LuaJob {
        do { try Backends.check(options.keys.filter { !schedulerSubmitFields.contains($0) }, for: backend) } catch {
            throw RenderProblem(code: error.code, message: error.message)
        }
        let request = try request(args, 1)
        let placement = Backends.options(of: backend, in: options)
        let (environment, index) = FISExperimentObject.awsContext(args)
        let context = BackendContext(aws: environment, awsJobIndex: index, notice: { JobWatch.note("blendbatch: " + $0) })
        let name = backend.name  // metatypes are not Sendable; the registry hands it back inside
        return try args.wait {
            do { return LuaJob(handle: try await Backends.named(name)!.submit(request, options: placement, after: after, context: context)) }
            catch let error as RenderRequest.Problem { throw RenderProblem(code: error.code, message: error.message) }
        }
    }

    /// Plan `request`; with an executor and `chunk_time` (no `chunk`), measure a frame first.
    static func plan(_ request: RenderRequest, measureWith executor: LocalExecutor?) async throws -> JobManifest {
        if executor != nil, request.chunkTime != nil, request.chunk == nil { JobWatch.note("measuring the frame time on the first frames…") }
        do {
            return try await request.plan(measureWith: executor)
        } catch {
            throw RenderProblem(code: error.code, message: error.message)
        }
    }

    /// Run `body`, turning a `RenderProblem` into Lua's `nil, message, code`.
    static func failingAsLua(_ body: () throws -> LuaResult) throws -> LuaResult {
        do { return try body() } catch let problem as RenderProblem {
            return .failure(problem.message, code: problem.luaCode)
        }
    }
}

/// Why a render could not be planned or started, with the exit code `blendbatch render` gives it.
struct RenderProblem: Error, CustomStringConvertible, LuaRepresentableError {
    let code: ExitCode
    let message: String
    var description: String { message }
    var luaCode: String { code.name }
}
