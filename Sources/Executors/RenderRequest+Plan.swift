import BlendFile
import Foundation
import ObjectStore
import Render
import RenderPlan

extension RenderRequest {
    /// Tasks at once on this machine: `workers`, else by core count.
    public var workerCount: Int { max(1, workers ?? LocalExecutor.defaultWorkers()) }

    /// Why `out` cannot be an output (a scheme other than `s3://` or `file://`, a bad URL), if it cannot.
    var outputProblem: String? {
        guard let out, let scheme = out.range(of: "://"), !out[..<scheme.lowerBound].contains("/") else { return nil }
        do { _ = try StoreLocation(parsing: out) } catch {
            return "out \(out): give a folder or s3://BUCKET/PREFIX (\(error))"
        }
        return nil
    }

    /// Read the .blend (unless `known` is its info, read elsewhere), check that `renderer` (default: the
    /// executor's Blender) can render it, and plan the job for `target` (default: this machine's
    /// workers). With `chunkTime` set (and no `chunk`), renders a probe of the first two frames with
    /// `executor` (they stay in the store) to size the chunks.
    public func plan(measureWith executor: LocalExecutor? = nil, renderer: Renderer? = nil, info known: BlendInfo? = nil,
                     target: PlanTarget? = nil) async throws(Problem) -> JobManifest {
        if let outputProblem { throw Problem(.usage, outputProblem) }
        let info: BlendInfo
        if let known { info = known } else {
            do { info = try BlendFileReader.read(path: file) } catch {
                throw Problem(error.isMissingFile ? .noInput : .dataError, error.description)
            }
        }
        let target = target ?? LocalExecutor.planTarget(workers: workerCount)
        var manifest = try plan(info, for: target)
        if let out, let location = try? StoreLocation(parsing: out), !location.isLocal { manifest.output.location = location.description }
        var renderer = renderer
        if renderer == nil, let executor { renderer = try Renderer.local(environment: executor.configuration.taskEnvironment) }
        let scene = try pickScene(info)
        for warning in try BlenderGate.check(file: file, scene: scene, camera: nil, renderer: renderer, allowOlder: allowOlderBlender) {
            JobWatch.note("blendbatch: \(warning)")
        }
        do {
            manifest.fingerprint = try FrameFingerprint.make(input: manifest.input, scene: scene.name, overrides: manifest.overrides,
                                                             format: manifest.output.format, blender: renderer?.version)
        } catch {
            throw Problem(.noInput, "\(file): \(error)")
        }
        if chunk == nil, let chunkTime, let executor,
           let measured = await measuredChunking(seconds: chunkTime, of: manifest, executor: executor) {
            manifest.chunks = try plan(info, for: target, chunking: measured).chunks
        }
        return manifest
    }

    /// Render the first two frames of `job` as a probe task (`SampleRender`), read Blender's start-up
    /// and per-frame time, and size chunks to run about `seconds`; nil when the probe fails.
    func measuredChunking(seconds: Double, of job: JobManifest, executor: LocalExecutor) async -> Chunking? {
        var probe = job
        probe.id = "probe"
        probe.chunks = []
        probe.stitch = nil
        guard let run = await SampleRender.run(Array(job.allFrames.prefix(2)), of: probe, executor: executor),
              run.succeeded, !run.samples.isEmpty else { return nil }
        let mean = run.samples.reduce(0) { $0 + $1.seconds } / Double(run.samples.count)
        return .targetTime(seconds: seconds, secondsPerFrame: mean, startupSeconds: run.startupSeconds)
    }
}

extension JobManifest {
    /// Which files a local .blend uses that are not there (its frames would show them magenta), as one note.
    public static func missingFilesNote(_ input: String) -> String? {
        guard case .local(let path)? = try? StoreLocation(parsing: input),
              let warning = (try? InputBundle.collect(blend: path))?.missingWarning else { return nil }
        return "\((path as NSString).lastPathComponent): \(warning)"
    }
}
