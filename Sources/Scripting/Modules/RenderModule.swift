import Chaos
import Executors
import Foundation
import LuaKit
import RenderPlan

extension LuaModule {
    /// `render`: plan and start renders of a .blend on this machine.
    static let render = LuaModule("render", doc: """
        Render a .blend on this machine (the local executor): render.plan{...} makes the job manifest,
        render.submit{...} starts it and returns a job (job:status(), job:wait{progress=true}, job:cancel(),
        job:frames()).
        """) { m in
        let fields = """
            {file=, scene=, frames='1-100:5', chunk=N, chunk_time='60s', percent=P, samples=N, engine=,
             format='PNG'|'JPEG'|'OPEN_EXR', workers=N, out=dir, video=true, allow_gaps=false}
            """
        m.function("plan", doc: "render.plan\(fields) -> manifest | nil, err, code\nRead the .blend and plan the job; nothing runs.") { args in
            let request = try RenderModuleSupport.request(args, 1)
            return .value(try args.wait { try await RenderModuleSupport.plan(request, measure: false) })
        }
        m.function("submit", doc: """
            render.submit{...} -> job | nil, err, code
            The fields of render.plan, plus blender=path and chaos=fis.spot_interruption{...}. Plans and
            starts the job; frames already in the output are not rendered again.
            """) { args in
            let request = try RenderModuleSupport.request(args, 1)
            let options = try args.table(1).tableValue ?? [:]
            return .object(try args.wait {
                let manifest = try await RenderModuleSupport.plan(request, measure: true)
                return try await LuaJob.submit(manifest, options: options)
            })
        }
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
            guard let seconds = Chunking.parseDuration(text) else { throw args.error(n, "chunk_time '\(text)': use e.g. 60s, 2m") }
            request.chunkTime = seconds
        } else { request.chunkTime = table["chunk_time"]?.doubleValue }
        request.percent = table["percent"]?.intValue
        request.samples = table["samples"]?.intValue
        request.engine = table["engine"]?.stringValue
        request.format = table["format"]?.stringValue ?? "PNG"
        request.workers = table["workers"]?.intValue
        request.out = table["out"]?.stringValue
        request.video = table["video"]?.boolValue ?? true
        request.allowGaps = table["allow_gaps"]?.boolValue ?? false
        return request
    }

    static func plan(_ request: RenderRequest, measure: Bool) async throws -> JobManifest {
        do {
            return try await request.plan(measureWith: measure ? LocalExecutor(configuration: .init(workers: request.workerCount)) : nil)
        } catch {
            throw RenderProblem(message: error.message)
        }
    }
}

struct RenderProblem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
