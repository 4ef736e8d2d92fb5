/// What `BlendFileReader` extracts from a .blend: file facts, every scene's render settings and
/// the external files it depends on. Codable with the snake_case keys `blendbatch info --json`
/// prints (and Lua's `blend.info` mirrors).
public struct BlendInfo: Codable, Sendable, Equatable {
    /// The path as given to the reader.
    public var file: String
    /// The Blender version that wrote the file, e.g. "2.79", "3.2", "5.0".
    public var blenderVersion: String
    /// `BLENDER_FILE_VERSION` from the header, e.g. 279, 302, 500.
    public var fileVersion: Int
    /// `FileGlobal.subversion`, when the GLOB block has it.
    public var fileSubversion: Int?
    /// Header format: 0 = legacy 12-byte header, 1 = Blender 5's 17-byte header.
    public var headerFormat: Int
    public var compression: Compression
    /// 4 or 8.
    public var pointerSize: Int
    public var endianness: Endianness
    /// Name of the scene Blender renders by default (`GLOB.curscene`, with Blender's fallbacks);
    /// nil only when the file has no scene.
    public var activeScene: String?
    /// Every local scene, in file order.
    public var scenes: [SceneInfo]
    /// External files, as stored (relative `//` paths kept), in file order, without duplicates.
    public var dependencies: [Dependency]

    /// The active scene's settings (what `blender -b FILE -a` renders).
    public var scene: SceneInfo? { scenes.first { $0.name == activeScene } }

    /// The scene named `name`, or nil.
    public func scene(named name: String) -> SceneInfo? { scenes.first { $0.name == name } }

    public init(file: String, blenderVersion: String, fileVersion: Int, fileSubversion: Int?,
                headerFormat: Int, compression: Compression, pointerSize: Int, endianness: Endianness,
                activeScene: String?, scenes: [SceneInfo], dependencies: [Dependency]) {
        self.file = file; self.blenderVersion = blenderVersion; self.fileVersion = fileVersion
        self.fileSubversion = fileSubversion; self.headerFormat = headerFormat
        self.compression = compression; self.pointerSize = pointerSize; self.endianness = endianness
        self.activeScene = activeScene; self.scenes = scenes; self.dependencies = dependencies
    }

    enum CodingKeys: String, CodingKey {
        case file, compression, endianness, scenes, dependencies
        case blenderVersion = "blender_version", fileVersion = "file_version"
        case fileSubversion = "file_subversion", headerFormat = "header_format"
        case pointerSize = "pointer_size", activeScene = "active_scene"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file); try c.encode(blenderVersion, forKey: .blenderVersion)
        try c.encode(fileVersion, forKey: .fileVersion); try c.encode(fileSubversion, forKey: .fileSubversion)
        try c.encode(headerFormat, forKey: .headerFormat); try c.encode(compression, forKey: .compression)
        try c.encode(pointerSize, forKey: .pointerSize); try c.encode(endianness, forKey: .endianness)
        try c.encode(activeScene, forKey: .activeScene); try c.encode(scenes, forKey: .scenes)
        try c.encode(dependencies, forKey: .dependencies)
    }
}

/// The compression wrapper around the .blend stream.
public enum Compression: String, Codable, Sendable {
    case none, gzip, zstd
}

public enum Endianness: String, Codable, Sendable {
    case little, big
}

/// One scene's render settings (`Scene.r`), read through the file's own SDNA.
public struct SceneInfo: Codable, Sendable, Equatable {
    /// Scene name without Blender's two-letter `SC` prefix.
    public var name: String
    public var frameStart: Int
    public var frameEnd: Int
    /// Render every n-th frame (`r.frame_step`, 1 when the file predates it).
    public var frameStep: Int
    /// The current frame (`r.cfra`).
    public var frameCurrent: Int?
    /// `r.frs_sec`.
    public var fps: Int
    /// `r.frs_sec_base` (1.001 for NTSC rates).
    public var fpsBase: Double
    /// `fps / fps_base`, e.g. 29.97.
    public var frameRate: Double
    public var resolutionX: Int
    public var resolutionY: Int
    public var resolutionPercentage: Int
    /// Render engine id, e.g. "CYCLES", "BLENDER_EEVEE", "BLENDER_WORKBENCH"; nil if unknown.
    public var engine: String?
    /// `r.pic` as stored, e.g. "//render/" or "/tmp/".
    public var outputPath: String?
    /// Output file format as Blender's Python API names it ("PNG", "OPEN_EXR", "FFMPEG", …);
    /// "UNKNOWN_<n>" for a value this reader does not know.
    public var fileFormat: String?
    /// Name of the active camera object (without the `OB` prefix), nil when none.
    public var camera: String?
    /// Folders the scene's compositor File Output nodes write to, as stored (`//` relative): files
    /// Blender writes there, outside any render output; nil when none.
    public var compositorOutputs: [String]?

    public init(name: String, frameStart: Int, frameEnd: Int, frameStep: Int, frameCurrent: Int?,
                fps: Int, fpsBase: Double, resolutionX: Int, resolutionY: Int,
                resolutionPercentage: Int, engine: String?, outputPath: String?,
                fileFormat: String?, camera: String?) {
        self.name = name; self.frameStart = frameStart; self.frameEnd = frameEnd
        self.frameStep = frameStep; self.frameCurrent = frameCurrent; self.fps = fps
        self.fpsBase = fpsBase; self.frameRate = fpsBase > 0 ? Double(fps) / fpsBase : Double(fps)
        self.resolutionX = resolutionX; self.resolutionY = resolutionY
        self.resolutionPercentage = resolutionPercentage; self.engine = engine
        self.outputPath = outputPath; self.fileFormat = fileFormat; self.camera = camera
    }

    enum CodingKeys: String, CodingKey {
        case name, fps, engine, camera
        case frameStart = "frame_start", frameEnd = "frame_end", frameStep = "frame_step"
        case frameCurrent = "frame_current", fpsBase = "fps_base", frameRate = "frame_rate"
        case resolutionX = "resolution_x", resolutionY = "resolution_y"
        case resolutionPercentage = "resolution_percentage", outputPath = "output_path"
        case fileFormat = "file_format", compositorOutputs = "compositor_outputs"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(frameStart, forKey: .frameStart); try c.encode(frameEnd, forKey: .frameEnd)
        try c.encode(frameStep, forKey: .frameStep); try c.encode(frameCurrent, forKey: .frameCurrent)
        try c.encode(fps, forKey: .fps); try c.encode(fpsBase, forKey: .fpsBase)
        try c.encode(frameRate, forKey: .frameRate)
        try c.encode(resolutionX, forKey: .resolutionX); try c.encode(resolutionY, forKey: .resolutionY)
        try c.encode(resolutionPercentage, forKey: .resolutionPercentage)
        try c.encode(engine, forKey: .engine); try c.encode(outputPath, forKey: .outputPath)
        try c.encode(fileFormat, forKey: .fileFormat); try c.encode(camera, forKey: .camera)
        try c.encodeIfPresent(compositorOutputs, forKey: .compositorOutputs)
    }
}

/// An external file the .blend refers to.
public struct Dependency: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case image, library, movieClip = "movie_clip", sound, font, cacheFile = "cache_file"
        /// A file used by a sequencer strip (image or movie strip).
        case sequencerStrip = "sequencer_strip"
    }
    /// How one stored path maps to files on disk.
    public enum Nature: String, Codable, Sendable {
        /// One file.
        case file
        /// A numbered image sequence (`Image.source` SEQUENCE, a multi-image strip, a cache sequence).
        case sequence
        /// UDIM tiles: the path holds `<UDIM>` (or a tile number) standing for many files.
        case udim
        /// A movie file.
        case movie
    }
    public var kind: Kind
    /// The path as stored in the file (`//` = relative to the .blend's folder).
    public var path: String
    public var nature: Nature

    public init(kind: Kind, path: String, nature: Nature = .file) {
        self.kind = kind; self.path = path; self.nature = nature
    }
}
