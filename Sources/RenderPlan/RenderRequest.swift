import BlendFile
import Foundation

/// What someone asks to render and how: `blendbatch render`'s options, the `render` recipe's
/// parameters and Lua's `render.submit{...}` fields, all read through ``fields``. `plan(_:for:)`
/// turns it into a job manifest.
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
    /// Tasks at once (the local backend's slots, Slurm's `%N` throttle).
    public var workers: Int?
    /// Output folder or store URL; nil = `out/<file name>` in the current folder.
    public var out: String?
    public var video = true
    public var allowGaps = false
    /// The Blender the tasks run (`BLENDBATCH_BLENDER` of their environment).
    public var blender: String?
    /// Local Spot-interruption drill (`interrupt=30%,notice=2s`).
    public var chaos: String?
    /// Local budget in seconds: refuse when the estimate is over it, start no task once reached.
    public var maxTime: Double?
    /// Continue the last job for `out` with the same settings instead of starting a new one.
    public var resume = false

    public init(file: String) { self.file = file }

    /// A request that cannot be planned: the exit code and one line saying what and where.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var code: ExitCode
        public var message: String
        public var description: String { message }
        public init(_ code: ExitCode, _ message: String) {
            self.code = code
            self.message = message
        }
        public init(code: ExitCode, message: String) { self.init(code, message) }
    }

    /// The file's name without `.blend`: the job's and the output's name.
    public var name: String { ((file as NSString).lastPathComponent as NSString).deletingPathExtension }

    /// Where the frames and videos go: `out` as a store URL (`s3://bucket/prefix`), else an absolute
    /// folder (`file://` URLs taken as their path; default `out/<name>` here).
    public var outputLocation: String {
        let out = self.out ?? "out/\(name)"
        if out.hasPrefix("file://") { return (String(out.dropFirst("file://".count)) as NSString).standardizingPath }
        if let scheme = out.range(of: "://"), !out[..<scheme.lowerBound].contains("/") { return out }
        let standardized = (out as NSString).standardizingPath
        return standardized.hasPrefix("/") ? standardized : FileManager.default.currentDirectoryPath + "/" + standardized
    }

    /// Cycles devices `device` takes.
    public static let devices = ["cpu", "cuda", "optix", "hip", "oneapi"]

    /// Plan the job for `target` from the .blend's `info`: pick the scene, check every option, and cut
    /// the frames into tasks (`chunking` when measured, else the target's default).
    public func plan(_ info: BlendInfo, for target: PlanTarget, chunking measured: Chunking? = nil) throws(Problem) -> JobManifest {
        let sceneInfo = try pickScene(info)
        let frameSet = try frameSet(scene: sceneInfo)
        try checkNumbers()
        let format = try outputFormat(scene: sceneInfo)
        let overrides = RenderOverrides(resolutionPercentage: percent, samples: samples, engine: engine?.uppercased(),
                                        threads: target.threadsPerTask, denoise: denoise,
                                        device: device?.lowercased(), persistentData: persistentData)
        let input = file.contains("://") || file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let output = OutputSpec(location: outputLocation, name: name, format: format)
        let stitch = video ? StitchSpec(frameRate: sceneInfo.frameRate > 0 ? sceneInfo.frameRate : 24, allowGaps: allowGaps) : nil
        let chunking = measured ?? .frames(chunk ?? target.defaultChunk(total: frameSet.count))
        do {
            var manifest = try JobManifest.plan(id: JobManifest.newID(name: name), input: input, scene: sceneInfo.name,
                                                frames: frameSet, chunking: chunking, minimumTasks: target.slots,
                                                overrides: overrides, output: output, stitch: stitch)
            manifest.keepExisting = keepExisting ? true : nil
            manifest.blendScripts = blendScripts
            return manifest
        } catch {
            throw Problem(.usage, "\(error)")
        }
    }

    /// `scene`, else the file's active one.
    public func pickScene(_ info: BlendInfo) throws(Problem) -> SceneInfo {
        if let scene {
            guard let found = info.scene(named: scene) else {
                throw Problem(.dataError, "\(file): no scene '\(scene)' (scenes: \(info.scenes.map(\.name).joined(separator: ", ")))")
            }
            return found
        }
        guard let active = info.scene ?? info.scenes.first else { throw Problem(.dataError, "\(file): the file has no scene to render") }
        return active
    }

    /// `frames` parsed (the scene's own range and step without it), checked against the scene with `framesInScene`.
    func frameSet(scene: SceneInfo) throws(Problem) -> FrameSet {
        let frameSet: FrameSet
        do {
            frameSet = try frames.map { try FrameSet(parsing: $0) }
                ?? FrameSet(start: scene.frameStart, end: scene.frameEnd, step: max(1, scene.frameStep))
        } catch {
            throw Problem(.usage, "frames '\(frames ?? "\(scene.frameStart)-\(scene.frameEnd)")': \(error)")
        }
        guard !frameSet.isEmpty else { throw Problem(.usage, "frames '\(frames ?? "")': no frames to render") }
        if framesInScene, let frames, let outside = frameSet.frames.first(where: { $0 < scene.frameStart || $0 > scene.frameEnd }) {
            throw Problem(.usage, "frames '\(frames)': frame \(outside) is outside the scene's range "
                + "\(scene.frameStart)-\(scene.frameEnd); give frames within it, or none for the whole range")
        }
        return frameSet
    }

    /// The numeric and named options within what Blender takes.
    func checkNumbers() throws(Problem) {
        if let percent, !(1...1000).contains(percent) { throw Problem(.usage, "percent \(percent): give 1-1000") }
        if let samples, samples < 1 { throw Problem(.usage, "samples \(samples): give at least 1") }
        if let workers, workers < 1 { throw Problem(.usage, "workers \(workers): give at least 1") }
        if let chunk, chunk < 1 { throw Problem(.usage, "chunk \(chunk): give at least 1 frame per task") }
        if let chunkTime, chunkTime <= 0 { throw Problem(.usage, "chunk time \(chunkTime): give a positive duration") }
        if let engine, engine.isEmpty || !engine.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw Problem(.usage, "engine \(engine): use cycles, eevee, workbench or a Blender engine ID such as CYCLES")
        }
        if let device, !Self.devices.contains(device.lowercased()) {
            throw Problem(.usage, "device \(device): use \(Self.devices.joined(separator: ", "))")
        }
    }

    /// The frames' file format: `format`, else the scene's own when it is a still format, else PNG
    /// (a scene that writes a movie gets frames, and the stitch makes the video).
    public func outputFormat(scene: SceneInfo) throws(Problem) -> String {
        if let format {
            let upper = format.uppercased()
            guard OutputSpec.stillFormats.contains(upper) else {
                throw Problem(.usage, "format \(format): use \(OutputSpec.stillFormats.joined(separator: ", "))")
            }
            return upper
        }
        guard let own = scene.fileFormat, OutputSpec.stillFormats.contains(own) else { return "PNG" }
        return own
    }

    /// Whether two manifests describe the same work (ids and dates aside): `--resume` continues such a job.
    public static func sameWork(_ a: JobManifest, _ b: JobManifest) -> Bool {
        a.input == b.input && a.scene == b.scene && a.overrides == b.overrides && a.output == b.output
            && a.stitch == b.stitch && a.allFrames == b.allFrames && a.fingerprint == b.fingerprint
    }
}

extension JobManifest {
    /// The manifest with adjacent chunks merged so there are at most `maxChunks` (Batch arrays hold 10,000).
    public func grouped(maxChunks: Int) -> JobManifest {
        guard chunks.count > maxChunks else { return self }
        let perGroup = (chunks.count + maxChunks - 1) / maxChunks
        var grouped = self
        grouped.chunks = stride(from: 0, to: chunks.count, by: perGroup).enumerated().map { index, start in
            FrameChunk(index: index, frames: chunks[start..<min(start + perGroup, chunks.count)].flatMap(\.frames))
        }
        return grouped
    }
}
