import Foundation

/// Everything an array task needs to do its share of a render job, written as JSON to
/// `<out>/.blendbatch/jobs/<id>/manifest.json` (or the S3 equivalent) before any task starts.
///
/// The worker reads it from `BLENDBATCH_MANIFEST` and picks its chunk with
/// `AWS_BATCH_JOB_ARRAY_INDEX`, locally and on AWS Batch alike.
public struct JobManifest: Codable, Sendable, Equatable {
    /// Bumped when a field changes meaning; readers refuse newer versions.
    public static let currentVersion = 1

    public var version: Int = JobManifest.currentVersion
    /// Job id, unique per submission (e.g. `20261125-184500-demo-3f2a`).
    public var id: String
    public var createdAt: Date
    /// The .blend to render: a path or store URL (`s3://…`, `file:///…`).
    public var input: String
    /// When the .blend travels with the files it uses (textures, libraries…): where each is, by its
    /// path relative to the folder they share on the submitting machine. The .blend is among them
    /// (its `url` is `input`). The worker downloads each into that layout and renders the .blend from
    /// there; nil = `input` alone.
    public var inputFiles: [InputFile]?
    /// Scene name without the `SC` prefix; nil = the file's active scene.
    public var scene: String?
    /// Render-setting overrides applied through `--python-expr`.
    public var overrides: RenderOverrides
    /// Array index → frames. `chunks.count` is the array size.
    public var chunks: [FrameChunk]
    /// Where frames and videos go (a folder path or store URL).
    public var output: OutputSpec
    /// What the dependent stitch task makes; nil = no stitch task.
    public var stitch: StitchSpec?
    /// The settings fingerprint of this job's frames (`FrameFingerprint`): a frame already in the
    /// store is skipped only when it carries the same one; nil = frames are taken by name.
    public var fingerprint: String?
    /// Keep frames made with other settings instead of rendering them again (said in the task log).
    public var keepExisting: Bool?
    /// Whether Blender may run the Python saved in the .blend (drivers, registered text blocks): nil
    /// follows the user's Blender preference (Auto Run Python Scripts); false never, as for the jobs a
    /// sandboxed recipe submits.
    public var blendScripts: Bool?

    public init(id: String, createdAt: Date = Date(), input: String, scene: String?,
                overrides: RenderOverrides, chunks: [FrameChunk], output: OutputSpec, stitch: StitchSpec?) {
        self.id = id
        self.createdAt = createdAt
        self.input = input
        self.scene = scene
        self.overrides = overrides
        self.chunks = chunks
        self.output = output
        self.stitch = stitch
    }

    /// Every frame of the job, in order.
    public var allFrames: [Int] { chunks.flatMap(\.frames) }
}

/// One file a render's .blend needs, for a machine without the submitting one's disk.
public struct InputFile: Codable, Sendable, Equatable {
    /// Relative path (`/`-separated, no `..`) below the folder the .blend and its files share.
    public var path: String
    /// The object holding it (`s3://…`).
    public var url: String
    public init(path: String, url: String) {
        self.path = path
        self.url = url
    }
}

/// The frames of one array task.
public struct FrameChunk: Codable, Sendable, Equatable {
    public var index: Int
    public var frames: [Int]
    public init(index: Int, frames: [Int]) {
        self.index = index
        self.frames = frames
    }
}

/// Render settings that replace the .blend's own (nil keeps the file's value). The in-Blender render
/// driver applies them with the API of the Blender it runs in.
public struct RenderOverrides: Codable, Sendable, Equatable {
    public var resolutionPercentage: Int?
    public var resolutionX: Int?
    public var resolutionY: Int?
    public var samples: Int?
    /// A Blender engine ID or `cycles`, `eevee`, `workbench` (any case); the driver maps it to the
    /// running Blender's ID (`BLENDER_EEVEE_NEXT` in 4.2-4.5).
    public var engine: String?
    public var camera: String?
    /// Blender render threads per task; nil = Blender's default.
    public var threads: Int?
    /// Denoising: nil keeps the scene's setting where the Blender has OpenImageDenoise (and turns it
    /// off with a warning where it lacks it); true/false force it.
    public var denoise: Bool?
    /// Cycles device: `cpu`, `cuda`, `optix`, `hip`, `oneapi`; nil = the scene's own (CPU in background).
    public var device: String?
    /// Keep render data between the frames of a task (`render.use_persistent_data`); nil = on for
    /// Cycles tasks of more than one frame unless the scene says otherwise.
    public var persistentData: Bool?

    public init(resolutionPercentage: Int? = nil, resolutionX: Int? = nil, resolutionY: Int? = nil,
                samples: Int? = nil, engine: String? = nil, camera: String? = nil,
                threads: Int? = nil, denoise: Bool? = nil, device: String? = nil, persistentData: Bool? = nil) {
        self.resolutionPercentage = resolutionPercentage
        self.resolutionX = resolutionX
        self.resolutionY = resolutionY
        self.samples = samples
        self.engine = engine
        self.camera = camera
        self.threads = threads
        self.denoise = denoise
        self.device = device
        self.persistentData = persistentData
    }
}

/// Where and how frames are named: `<location>/frames/<name>_<frame padded>.<ext>`.
public struct OutputSpec: Codable, Sendable, Equatable {
    /// Output root: a folder path or store URL.
    public var location: String
    /// Base name of frames and videos (default: the .blend's name without extension).
    public var name: String
    /// Blender file format: PNG, JPEG, OPEN_EXR.
    public var format: String
    /// Digits of the frame number in file names.
    public var padding: Int = 4

    public init(location: String, name: String, format: String = "PNG", padding: Int = 4) {
        self.location = location
        self.name = name
        self.format = format
        self.padding = padding
    }

    /// The frame formats a render can write (Blender's names).
    public static let stillFormats = ["PNG", "JPEG", "OPEN_EXR", "OPEN_EXR_MULTILAYER", "TIFF", "WEBP", "BMP", "TARGA"]

    /// File extension Blender writes for `format`.
    public var fileExtension: String {
        switch format.uppercased() {
        case "JPEG": return "jpg"
        case "OPEN_EXR", "OPEN_EXR_MULTILAYER": return "exr"
        case "TIFF": return "tif"
        case "TARGA": return "tga"
        default: return format.lowercased()
        }
    }

    /// Store key of a frame, relative to `location`: `frames/<name>_0042.png`. Negative frames keep their sign.
    public func frameKey(_ frame: Int) -> String { "frames/\(numbered(frame)).\(fileExtension)" }

    /// Scene-linear frames (OpenEXR) get a display-referred PNG preview each, with the scene's view
    /// transform applied: the video, GIF and contact sheet are made from those, the EXRs stay untouched.
    public var makesPreviews: Bool { fileExtension == "exr" }

    /// The marker that says a frame was made with `fingerprint`: an empty object at
    /// `.blendbatch/fingerprints/<fingerprint>/<frame file name>`, written after the frame.
    public func fingerprintKey(_ frame: Int, fingerprint: String) -> String {
        Self.fingerprintPrefix(fingerprint) + (frameKey(frame) as NSString).lastPathComponent
    }

    /// Where the markers of `fingerprint` are: one listing tells which frames it made.
    public static func fingerprintPrefix(_ fingerprint: String) -> String { fingerprintsPrefix + fingerprint + "/" }

    /// Where every fingerprint's markers are.
    public static let fingerprintsPrefix = ".blendbatch/fingerprints/"

    /// Store key of a frame's preview: `previews/<name>_0042.png`.
    public func previewKey(_ frame: Int) -> String { "previews/\(numbered(frame)).png" }

    /// `<name>_0042` (padded; negative frames keep their sign).
    private func numbered(_ frame: Int) -> String {
        let digits = String(abs(frame))
        let padded = String(repeating: "0", count: max(0, padding - digits.count)) + digits
        return "\(name)_\(frame < 0 ? "-" : "")\(padded)"
    }
}

/// What the stitch task produces from the frames.
public struct StitchSpec: Codable, Sendable, Equatable {
    /// Frames per second of the video (the scene's `fps / fps_base`).
    public var frameRate: Double
    public var video: Bool = true
    public var gif: Bool = true
    public var contactSheet: Bool = true
    /// Fill missing frames with the previous one instead of failing.
    public var allowGaps: Bool = false

    public init(frameRate: Double, video: Bool = true, gif: Bool = true, contactSheet: Bool = true, allowGaps: Bool = false) {
        self.frameRate = frameRate
        self.video = video
        self.gif = gif
        self.contactSheet = contactSheet
        self.allowGaps = allowGaps
    }
}
