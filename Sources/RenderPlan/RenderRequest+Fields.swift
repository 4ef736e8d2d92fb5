extension RenderRequest {
    /// Every option of a render request, declared once. `blendbatch render`, `chaos` and `estimate`
    /// take them as `--kebab-case` options, the `render` recipe as its parameters
    /// (`params = { extends = "render.submit" }`), and Lua's `render.submit{}` as fields.
    public static let fields: [RequestField<RenderRequest>] = [
        .text("file", \.file.optional, kind: .path, required: true, help: "the .blend to render"),
        .text("scene", \.scene, help: "scene to render (default: the file's active scene)"),
        .text("frames", \.frames, kind: .frames,
              help: "frames, OpenJD style: 1-100, 1-100:5, 1,5,9-12, or Blender's 1..100 (default: the scene's range and step)"),
        .flag("frames_in_scene", \.framesInScene, default: false,
              help: "refuse frames reaching outside the scene's frame range (exit 64) instead of rendering them"),
        .integer("chunk", \.chunk, help: "frames per task (default: one task per worker, at most 25 frames, or one task with workers = 1; each task pays Blender's start-up once)"),
        .duration("chunk_time", \.chunkTime, help: "size tasks to run about this long (60s, 2m), from a measured first frame"),
        .integer("percent", \.percent, help: "resolution percentage (1-100 scales the scene's resolution)"),
        .integer("samples", \.samples, help: "render samples (Cycles/EEVEE)"),
        .text("engine", \.engine, help: "render engine: cycles, eevee, workbench, or any Blender engine ID (any case)"),
        .text("device", \.device, help: "Cycles device: cpu, cuda, optix, hip or oneapi (default: the scene's; a missing GPU is exit 69; on AWS, cuda and optix run on the GPU queue)"),
        RequestField("denoise", .string, help: "denoising on or off (default: the scene's, turned off with a warning where the Blender has no OpenImageDenoise)") { request, value throws(FieldProblem) in
            request.denoise = try value.flag("denoise")
        },
        .optionalFlag("persistent_data", \.persistentData,
                      help: "keep render data between a task's Cycles frames (default: on, much faster on static scenes)"),
        .flag("keep_existing", \.keepExisting, default: false,
              help: "keep frames already in the output made with other settings (another .blend, size, samples, Blender) instead of rendering them again"),
        .flag("allow_older_blender", \.allowOlderBlender, default: false,
              help: "render even when the Blender is older than the release that saved the file (it may crash or drop data)"),
        .text("format", \.format, help: "frame file format: PNG, JPEG, OPEN_EXR, OPEN_EXR_MULTILAYER, TIFF, WEBP, BMP or TARGA (default: the scene's own, else PNG)"),
        .integer("workers", \.workers, help: "parallel tasks (default: max(2, cores/4), at most 8; Blender threads per task = 2 × cores/workers)"),
        .text("out", \.out, kind: .path, help: "output folder or s3://BUCKET/PREFIX (default: out/<file name>)"),
        .flag("video", \.video, default: true, help: "stitch the MP4, GIF and contact sheet when the frames are done"),
        .flag("allow_gaps", \.allowGaps, default: false, help: "make the video even if frames failed, repeating the previous frame in each gap"),
        .text("blender", \.blender, kind: .path, help: "the Blender to run (default: $BLENDBATCH_BLENDER, then blender on PATH)"),
        .text("chaos", \.chaos, help: "inject local Spot interruptions: interrupt=30%[,notice=2s][,seed=N][,max=3]"),
        .duration("max_time", \.maxTime, help: "local budget: refuse when the estimate's p90 wall time is over it; start no task once the job has run this long (30m)"),
        .flag("resume", \.resume, default: false, help: "continue the last matching job for out (its journal, its orphans stopped) instead of starting a new one"),
    ]
}

extension String {
    /// The string as an optional, for a required text field's key path.
    var optional: String? {
        get { self }
        set { self = newValue ?? "" }
    }
}
