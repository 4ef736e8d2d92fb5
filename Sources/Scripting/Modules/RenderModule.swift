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
        let fields = """
            {file=, scene=, frames='1-100:5', chunk=N, chunk_time='60s', percent=P, samples=N, engine='cycles'|'eevee'|ID,
             device='cpu'|'cuda'|'optix'|'hip'|'oneapi', denoise=true|false, persistent_data=false, allow_older_blender=true,
             keep_existing=true, frames_in_scene=true,
             format='PNG'|'JPEG'|'OPEN_EXR'|… (default: the scene's), workers=N, out=dir|'s3://bucket/prefix', video=true,
             allow_gaps=false, max_time='30m'}
            """
        m.function("plan", doc: "render.plan\(fields) -> manifest | nil, err, code\nRead the .blend and plan the job; nothing runs.") { args in
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
            mounts or s3://): it goes to Slurm with sbatch. Either way a blendbatch.RemoteJob comes back (job:status(),
            job:wait{progress=true}, job:cancel(), job:frames(), job.id); it runs on without this process.
            """) { args in
            let options = try args.table(1).tableValue ?? [:]
            let capabilities = Capabilities.of(args)
            try capabilities.requireRender(options, args)
            if let backend = options["backend"]?.stringValue, backend != "local" {
                guard RenderModuleSupport.remoteBackends.contains(backend) else {
                    throw args.error(1, "backend '\(backend)': use 'local', 'aws' or 'slurm'")
                }
                let after = try JobGraph.remotePrerequisites(args, 1, backend: backend)
                return try RenderModuleSupport.failingAsLua {
                    let job = try RenderModuleSupport.submit(to: backend, args, options, after: after)
                    capabilities.grantJob(id: job.handle.id, folder: nil)
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
                    RenderModuleSupport.noteMissingFiles(manifest.input)
                    let job = try await LuaJob.submit(manifest, options: options, after: after)
                    if let budget { RenderBudget.record(estimate, budget, folder: job.handle.folder.path) }
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
    static func request(_ args: LuaArgs, _ n: Int) throws -> RenderRequest {
        let table = try args.table(n).tableValue ?? [:]
        guard let file = table["file"]?.stringValue else { throw args.error(n, "file expected (render.submit{file='shot.blend'})") }
        var request = RenderRequest(file: file)
        request.scene = table["scene"]?.stringValue
        request.frames = table["frames"]?.stringValue ?? table["frames"]?.intValue.map(String.init)
        request.chunk = table["chunk"]?.intValue
        if let text = table["chunk_time"]?.stringValue {
            guard let seconds = Chunking.parseDuration(text) else { throw RenderProblem(code: .usage, message: "chunk_time '\(text)': use e.g. 60s, 2m") }
            request.chunkTime = seconds
        } else { request.chunkTime = table["chunk_time"]?.doubleValue }
        request.percent = table["percent"]?.intValue
        request.samples = table["samples"]?.intValue
        request.engine = table["engine"]?.stringValue
        request.format = table["format"]?.stringValue
        request.device = table["device"]?.stringValue
        request.denoise = try denoise(table["denoise"])
        request.persistentData = table["persistent_data"]?.boolValue
        request.allowOlderBlender = table["allow_older_blender"]?.boolValue ?? false
        request.keepExisting = table["keep_existing"]?.boolValue ?? false
        request.framesInScene = table["frames_in_scene"]?.boolValue ?? false
        // A shared recipe's renders run the Python saved in a .blend only if the user named that file.
        if !Capabilities.of(args).mayRunScripts(of: file) { request.blendScripts = false }
        request.workers = table["workers"]?.intValue
        request.out = table["out"]?.stringValue
        request.video = table["video"]?.boolValue ?? true
        request.allowGaps = table["allow_gaps"]?.boolValue ?? false
        return request
    }

    /// `denoise = true|false|'on'|'off'` (nil keeps the scene's).
    static func denoise(_ value: LuaValue?) throws -> Bool? {
        guard let value, value != .nil else { return nil }
        if let flag = value.boolValue { return flag }
        switch value.stringValue?.lowercased() {
        case "on": return true
        case "off": return false
        default: throw RenderProblem(code: .usage, message: "denoise: use true, false, 'on' or 'off'")
        }
    }

    /// The schedulers `render.submit{backend=}` hands a job to.
    static let remoteBackends = ["aws", "slurm"]

    /// Submit to one of `remoteBackends`, after jobs of the same backend.
    static func submit(to backend: String, _ args: LuaArgs, _ options: [String: LuaValue], after: [any DetachedJob]) throws -> LuaRemoteJob {
        backend == "aws" ? try submitToAWS(args, options, after: after.compactMap { $0 as? AWSBatchJobHandle })
            : try submitToSlurm(args, options, after: after.compactMap { $0 as? SlurmJobHandle })
    }

    /// `render.submit{backend='slurm', partition=, account=, qos=, gres=, time=, ...}`: plan here, submit with sbatch.
    static func submitToSlurm(_ args: LuaArgs, _ options: [String: LuaValue], after: [SlurmJobHandle]) throws -> LuaRemoteJob {
        for local in ["chunk_time", "chaos", "queue", "job_definition"] where options[local] != nil {
            throw RenderProblem(code: .usage, message: "\(local) is not for backend 'slurm' (it takes partition, account, qos, gres, time)")
        }
        let placement = {
            var placement = SlurmExecutor.Placement()
            placement.partition = options["partition"]?.stringValue
            placement.account = options["account"]?.stringValue
            placement.qos = options["qos"]?.stringValue
            placement.gres = options["gres"]?.stringValue
            placement.time = options["time"]?.stringValue ?? options["time"]?.intValue.map(String.init)
            placement.throttle = options["workers"]?.intValue
            return placement
        }()
        let environment = options["blender"]?.stringValue.map { ["BLENDBATCH_BLENDER": $0] } ?? [:]
        let request = try request(args, 1)
        return try args.wait {
            try await LuaRemoteJob.submitToSlurm(request, placement: placement, environment: environment, after: after)
        }
    }

    /// `render.submit{backend='aws', queue=, job_definition=, ...}`: plan for Batch and submit there.
    static func submitToAWS(_ args: LuaArgs, _ options: [String: LuaValue], after: [AWSBatchJobHandle]) throws -> LuaRemoteJob {
        guard let queue = options["queue"]?.stringValue, !queue.isEmpty else {
            throw RenderProblem(code: .usage, message: "backend 'aws' needs queue = 'NAME' (the stack's is blendbatch-render)")
        }
        if options["chunk_time"] != nil { throw RenderProblem(code: .usage, message: "chunk_time measures on this machine; with backend 'aws' give chunk") }
        if options["chaos"] != nil { throw RenderProblem(code: .usage, message: "chaos is for the local backend; on AWS use fis.spot_interruption{job=job.id}") }
        let request = try request(args, 1)
        let (environment, index) = FISExperimentObject.awsContext(args)
        let definition = options["job_definition"]?.stringValue
        return try args.wait {
            try await LuaRemoteJob.submitToAWS(request, queue: queue, jobDefinition: definition, environment: environment, index: index, after: after)
        }
    }

    /// Say on stderr which files a local .blend uses that are not there (the frames would show them magenta).
    static func noteMissingFiles(_ input: String) {
        guard case .local(let path)? = try? StoreLocation(parsing: input),
              let warning = (try? InputBundle.collect(blend: path))?.missingWarning else { return }
        JobWatch.note("blendbatch: \((path as NSString).lastPathComponent): \(warning)")
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
