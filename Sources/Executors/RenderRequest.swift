import BlendFile
import Foundation
import ObjectStore
import RenderPlan

/// What someone asks to render, as the CLI's `render` options and Lua's `render.submit{...}` give it;
/// `plan()` reads the .blend, checks everything, and makes the job manifest.
public struct RenderRequest: Sendable, Equatable {
    public var file: String
    public var scene: String?
    /// OpenJD frame set (`1-100:5`, `1,5,9-12`, `1..100`); nil = the scene's own range and step.
    public var frames: String?
    /// Refuse `frames` reaching outside the scene's range (the Blender add-on asks for this).
    public var framesInScene = false
    public var chunk: Int?
    /// Target seconds per task (`--chunk-time`), sized from a measured frame.
    public var chunkTime: Double?
    public var percent: Int?
    public var samples: Int?
    public var engine: String?
    /// Cycles device (`cpu`, `cuda`, `optix`, `hip`, `oneapi`); nil = CPU.
    public var device: String?
    /// Render even when the Blender is older than the release that saved the file.
    public var allowOlderBlender = false
    /// Denoising: nil keeps the scene's (off where the Blender lacks OpenImageDenoise), true/false force it.
    public var denoise: Bool?
    /// Keep render data between a task's frames; nil = on for Cycles.
    public var persistentData: Bool?
    /// Frame file format; nil = the scene's own still format, else PNG.
    public var format: String?
    /// Keep frames in the output made with other settings instead of rendering them again.
    public var keepExisting = false
    /// false: Blender never runs the Python saved in the .blend (jobs of sandboxed recipes); nil: the
    /// user's Blender preference.
    public var blendScripts: Bool?
    public var workers: Int?
    /// Output folder; nil = `out/<file name>` in the current folder.
    public var out: String?
    public var video = true
    public var allowGaps = false

    public init(file: String) { self.file = file }

    /// A request that cannot be planned: the exit code and one line saying what and where.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var code: ExitCode
        public var message: String
        public var description: String { message }
    }

    public var workerCount: Int { max(1, workers ?? LocalExecutor.defaultWorkers()) }

    /// The output folder, absolute (`file://` URLs taken as their path).
    public var outputFolder: String {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let out = self.out ?? "out/\(name)"
        if case .local(let path)? = try? StoreLocation(parsing: out) { return path }
        // Not a local location (an s3:// URL, a bad one): the folder its name would make here.
        let standardized = (out as NSString).standardizingPath
        return standardized.hasPrefix("/") ? standardized : FileManager.default.currentDirectoryPath + "/" + standardized
    }

    /// Where the frames and videos go: `outputFolder`, or the store URL `out` names (`s3://bucket/prefix`).
    public var outputLocation: String {
        if let out, let location = try? StoreLocation(parsing: out), !location.isLocal { return location.description }
        return outputFolder
    }

    /// Why `out` cannot be this machine's output (a scheme other than `s3://` or `file://`, a bad URL), if it cannot.
    var outputProblem: String? {
        guard let out, let scheme = out.range(of: "://"), !out[..<scheme.lowerBound].contains("/") else { return nil }
        do { _ = try StoreLocation(parsing: out) } catch {
            return "out \(out): the local backend writes to a folder on this machine or to s3://BUCKET/PREFIX (\(error))"
        }
        return nil
    }

    /// Read the .blend (unless `known` is its info, read elsewhere), check that `renderer` (default: the
    /// executor's Blender) can render it, and plan the job. With `chunkTime` set (and no `chunk`),
    /// `measure` renders a probe of the first two frames with `executor` (they stay in the store) to
    /// size the chunks.
    public func plan(measureWith executor: LocalExecutor? = nil, renderer: Renderer? = nil,
                     info known: BlendInfo? = nil) async throws(Problem) -> JobManifest {
        func problem(_ code: ExitCode, _ message: String) -> Problem { Problem(code: code, message: message) }
        if let outputProblem { throw problem(.usage, outputProblem) }
        let info: BlendInfo
        if let known { info = known } else {
            do { info = try BlendFileReader.read(path: file) } catch {
                throw problem(error.isMissingFile ? .noInput : .dataError, error.description)
            }
        }
        let sceneInfo: SceneInfo
        if let scene {
            guard let found = info.scene(named: scene) else {
                throw problem(.dataError, "\(file): no scene '\(scene)' (scenes: \(info.scenes.map(\.name).joined(separator: ", ")))")
            }
            sceneInfo = found
        } else {
            guard let active = info.scene ?? info.scenes.first else { throw problem(.dataError, "\(file): the file has no scene to render") }
            sceneInfo = active
        }
        let frameSet: FrameSet
        do {
            frameSet = try frames.map { try FrameSet(parsing: $0) }
                ?? FrameSet(start: sceneInfo.frameStart, end: sceneInfo.frameEnd, step: max(1, sceneInfo.frameStep))
        } catch {
            throw problem(.usage, "frames '\(frames ?? "\(sceneInfo.frameStart)-\(sceneInfo.frameEnd)")': \(error)")
        }
        guard !frameSet.isEmpty else { throw problem(.usage, "frames '\(frames ?? "")': no frames to render") }
        if framesInScene, let frames, let outside = frameSet.frames.first(where: { $0 < sceneInfo.frameStart || $0 > sceneInfo.frameEnd }) {
            throw problem(.usage, "frames '\(frames)': frame \(outside) is outside the scene's range "
                + "\(sceneInfo.frameStart)-\(sceneInfo.frameEnd); give frames within it, or none for the whole range")
        }
        if let percent, !(1...1000).contains(percent) { throw problem(.usage, "percent \(percent): give 1-1000") }
        if let samples, samples < 1 { throw problem(.usage, "samples \(samples): give at least 1") }
        if let workers, workers < 1 { throw problem(.usage, "workers \(workers): give at least 1") }
        if let chunk, chunk < 1 { throw problem(.usage, "chunk \(chunk): give at least 1 frame per task") }
        if let chunkTime, chunkTime <= 0 { throw problem(.usage, "chunk time \(chunkTime): give a positive duration") }
        let format = try outputFormat(scene: sceneInfo)
        if let engine, engine.isEmpty || !engine.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw problem(.usage, "engine \(engine): use cycles, eevee, workbench or a Blender engine ID such as CYCLES")
        }
        if let device, !Self.devices.contains(device.lowercased()) {
            throw problem(.usage, "device \(device): use \(Self.devices.joined(separator: ", "))")
        }
        var renderer = renderer
        if renderer == nil, let executor { renderer = try Renderer.local(environment: executor.configuration.taskEnvironment) }
        for warning in try BlenderGate.check(file: file, scene: sceneInfo, camera: nil, renderer: renderer, allowOlder: allowOlderBlender) {
            JobWatch.note("blendbatch: \(warning)")
        }
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let input = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let overrides = RenderOverrides(resolutionPercentage: percent, samples: samples, engine: engine?.uppercased(),
                                        threads: LocalExecutor.threadsPerTask(workers: workerCount), denoise: denoise,
                                        device: device?.lowercased(), persistentData: persistentData)
        let output = OutputSpec(location: outputLocation, name: name, format: format)
        let stitch = video ? StitchSpec(frameRate: sceneInfo.frameRate > 0 ? sceneInfo.frameRate : 24, allowGaps: allowGaps) : nil
        let fingerprint: String
        do {
            fingerprint = try FrameFingerprint.make(input: input, scene: sceneInfo.name, overrides: overrides, format: format,
                                                    blender: renderer?.version)
        } catch {
            throw problem(.noInput, "\(file): \(error)")
        }
        var chunking = Chunking.frames(chunk ?? defaultChunk(total: frameSet.count))
        if chunk == nil, let chunkTime, let executor {
            chunking = await measuredChunking(seconds: chunkTime, frames: frameSet, input: input, scene: sceneInfo.name,
                                              overrides: overrides, output: output, fingerprint: fingerprint, executor: executor)
        }
        do {
            var manifest = try JobManifest.plan(id: JobManifest.newID(name: name), input: input, scene: sceneInfo.name,
                                                frames: frameSet, chunking: chunking, minimumTasks: workerCount,
                                                overrides: overrides, output: output, stitch: stitch)
            manifest.fingerprint = fingerprint
            manifest.keepExisting = keepExisting ? true : nil
            manifest.blendScripts = blendScripts
            return manifest
        } catch {
            throw problem(.usage, "\(error)")
        }
    }

    /// Cycles devices `device` takes.
    public static let devices = ["cpu", "cuda", "optix", "hip", "oneapi"]

    /// The frames' file format: `format`, else the scene's own when it is a still format, else PNG
    /// (a scene that writes a movie gets frames, and the stitch makes the video).
    func outputFormat(scene: SceneInfo) throws(Problem) -> String {
        if let format {
            let upper = format.uppercased()
            guard OutputSpec.stillFormats.contains(upper) else {
                throw Problem(code: .usage, message: "format \(format): use \(OutputSpec.stillFormats.joined(separator: ", "))")
            }
            return upper
        }
        guard let own = scene.fileFormat, OutputSpec.stillFormats.contains(own) else { return "PNG" }
        return own
    }

    /// Without a chunk size: one task per worker, at most 25 frames a task (with a single worker, one
    /// task: there is nothing to balance). Every task pays Blender's start-up (1-2 s of loading before
    /// the first frame), so a job goes in as few launches as keep every worker busy; a long one still
    /// gets several tasks per worker, so a slow stretch of the shot spreads over the workers. A retried
    /// task renders only the frames its first attempt did not deliver, so a long chunk costs little on
    /// an interruption.
    func defaultChunk(total: Int) -> Int {
        guard workerCount > 1 else { return max(1, total) }
        return max(1, min(25, Int((Double(total) / Double(workerCount)).rounded(.up))))
    }

    /// Render the first two frames as a probe task (`SampleRender`), read Blender's start-up and
    /// per-frame time, and size chunks to run about `seconds`.
    func measuredChunking(seconds: Double, frames: FrameSet, input: String, scene: String, overrides: RenderOverrides,
                          output: OutputSpec, fingerprint: String, executor: LocalExecutor) async -> Chunking {
        let fallback = Chunking.frames(defaultChunk(total: frames.count))
        var job = JobManifest(id: "probe", input: input, scene: scene, overrides: overrides, chunks: [], output: output, stitch: nil)
        job.fingerprint = fingerprint  // the job keeps the probe's frames
        job.blendScripts = blendScripts
        guard let probe = await SampleRender.run(Array(frames.frames.prefix(2)), of: job, executor: executor),
              probe.succeeded, !probe.samples.isEmpty else { return fallback }
        let mean = probe.samples.reduce(0) { $0 + $1.seconds } / Double(probe.samples.count)
        return .targetTime(seconds: seconds, secondsPerFrame: mean, startupSeconds: probe.startupSeconds)
    }

    /// Whether two manifests describe the same work (ids and dates aside): `--resume` continues such a job.
    public static func sameWork(_ a: JobManifest, _ b: JobManifest) -> Bool {
        a.input == b.input && a.scene == b.scene && a.overrides == b.overrides && a.output == b.output
            && a.stitch == b.stitch && a.allFrames == b.allFrames && a.fingerprint == b.fingerprint
    }
}
