import ArgumentParser
import BlendFile
import Chaos
import Executors
import Foundation
import RenderPlan

/// `blendbatch render FILE`: plan the frames of a .blend and render them on this machine.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", _superCommandName: "blendbatch",
        abstract: "Render a .blend's animation on this machine: frames, then an MP4 and a GIF preview.",
        discussion: """
        Reads FILE without Blender to find the scene, frame range, fps and output settings, cuts the \
        frames into tasks, and runs them as `blendbatch worker` processes on --workers slots (each \
        task in its own process group, with the environment AWS Batch gives an array task). Frames \
        already in the output are never rendered again. Interrupted tasks are retried at once; \
        crashed ones up to 3 times per frame with backoff; bad input stops the job.

        Output (default --out: out/<file name without .blend>):
          <out>/frames/<name>_0001.png …   every frame, written whole or not at all
          <out>/<name>.mp4, <out>/<name>.gif, <out>/contact_sheet.png
          <out>/.blendbatch/jobs/<id>/     manifest, journal and per-task logs (for status/cancel/resume)

        --out s3://BUCKET/PREFIX renders here straight into S3: each task uploads every frame as Blender \
        saves it and skips frames already there; the stitch puts the MP4, GIF and contact sheet beside \
        them. AWS settings come from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_REGION, \
        AWS_ENDPOINT_URL_S3 …); the bucket is checked before any task starts. The job's manifest, \
        journal and logs stay on this machine, in <state>/<id>/: <state> is $BLENDBATCH_STATE_DIR, \
        else $XDG_STATE_HOME/blendbatch/jobs, else ~/.local/state/blendbatch/jobs.

        With the local backend this command runs the recipe named render (the first render.lua on the \
        recipe path: $BLENDBATCH_RECIPE_PATH, then $XDG_CONFIG_HOME/blendbatch/recipes, then the \
        bundled recipes/render.lua), each option given as the recipe parameter of the same name \
        (--no-video as video=false); a studio's own render.lua there is announced on stderr as \
        'recipe: <location> (from <origin>)' and becomes this command.

        Where Blender would start on its factory settings (no userpref.blend of yours), tasks start it \
        without the bundled import/export add-ons, which a render never calls: a tenth less start-up, \
        the same images. BLENDBATCH_RENDER_PREFS=user turns this off.

        Budgets: --max-time 30m first renders 3 sample frames (kept) and refuses the job (64, with the \
        figures) when the estimate's p90 is over the limit; once the job has run that long, no new task \
        starts, running ones finish, and the job ends with 75 ('blendbatch resume' finishes it). With \
        --backend aws, --max-cost USD does the same with the Spot cost on the first --instance-type, \
        and with --wait cancels the array children that have not started once the measured spend \
        reaches it. Both are recorded in the job folder's cost.json. See 'blendbatch estimate --help'.

        Ctrl-C cancels cleanly (no Blender left running); 'blendbatch resume <id>' finishes the job.
        Before anything runs, the Blender that will render (--blender, $BLENDBATCH_BLENDER, then PATH; \
        a Python that can `import bpy` works too) is checked against the release that saved FILE and \
        the libraries it links: an older Blender is refused (65) unless --allow-older-blender; a scene \
        without a camera is refused too. Inside Blender a small driver applies the options with that \
        release's own API (engine names, denoising, output paths) and keeps render data between a \
        task's frames (--no-persistent-data turns that off).

        Exit codes: 0 done, 64 bad option, 65 bad .blend or scene, or a Blender too old for it, 66 file \
        missing, 69 Blender/FFmpeg or the --device GPU missing, 70 frames failed, 74 output disk full or not writable, 75 stopped by --max-time, 76 store refused or \
        unreachable, 130 cancelled.

        Several files (blendbatch render a.blend b.blend --out DIR) render one job each, in the order \
        given, into DIR/<file name without .blend>/ with the same options; every file is checked before \
        the first renders. With --backend slurm or aws all jobs are submitted at once and run side by side. A \
        line per file ends a local run; the exit code is the worst job's. For a shot \
        list with per-shot settings and an edit, run the shots recipe (blendbatch run shots --help).

        Examples:
          blendbatch render shot.blend
          blendbatch render sh010.blend sh020.blend --out edit --percent 50
          blendbatch render shot.blend --frames 1-100:5 --percent 50 --samples 16 --workers 2
          blendbatch render shot.blend --chaos interrupt=30%,notice=2s   (local Spot-interruption drill)
          blendbatch render shot.blend --out s3://BUCKET/jobs/shot        (render here, frames to S3)
          blendbatch render shot.blend --backend aws --queue blendbatch-render --out s3://BUCKET/jobs/shot
        """)

    @Argument(help: "The .blend file to render; several render one job each into --out DIR/<file name>/ (see below).")
    var files: [String]

    /// The .blend when there is one.
    var file: String { files.first ?? "" }

    @OptionGroup var options: RenderOptions

    @Option(help: ArgumentHelp("Inject local Spot interruptions: interrupt=30%[,notice=2s][,seed=N][,max=3].",
                               valueName: "spec"))
    var chaos: String?

    @Flag(help: "Continue the last matching job for --out (its journal, its orphans stopped) instead of starting a new one.")
    var resume = false

    @Flag(help: "Print the end summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Where tasks run: local (this machine), aws (AWS Batch: needs --queue and an s3:// --out) or slurm (sbatch --array: --out on a filesystem every node sees, or s3://).", valueName: "backend"))
    var backend: Backend = .local

    @Option(help: ArgumentHelp("AWS Batch job queue (--backend aws; the stack's is blendbatch-render).", valueName: "queue"))
    var queue: String?

    @Option(help: ArgumentHelp("AWS Batch job definition NAME[:REV] (--backend aws; default blendbatch-worker).", valueName: "name"))
    var jobDefinition: String?

    @Flag(help: "With --backend aws or slurm: follow the job until it ends instead of returning after submission.")
    var wait = false

    @Option(name: .customLong("max-time"), help: ArgumentHelp("Local budget: refuse when the estimate's p90 wall time is over it; stop starting tasks once the job has run this long (e.g. 30m).", valueName: "duration"))
    var maxTime: String?

    @Option(name: .customLong("max-cost"), help: ArgumentHelp("AWS budget in US$: refuse when the estimate's p90 cost is over it; with --wait, cancel array children not started once the measured spend reaches it.", valueName: "usd"))
    var maxCost: Double?

    @OptionGroup(title: "Estimate (for --max-cost with --backend aws; see blendbatch estimate --help)")
    var cost: EstimateOptions

    @OptionGroup(title: "Slurm (--backend slurm)") var slurm: SlurmOptions

    enum Backend: String, ExpressibleByArgument, CaseIterable { case local, aws, slurm }

    func run() async throws {
        if files.count > 1 { return try await runEach() }
        if backend == .aws { return try await runOnAWS() }
        if backend == .slurm { return try await runOnSlurm() }
        if slurm.isGiven { fail(.usage, "--partition, --account, --qos, --gres and --time are for --backend slurm") }
        if queue != nil || jobDefinition != nil { fail(.usage, "--queue and --job-definition are for --backend aws") }
        if let chaos {
            do { _ = try ChaosSpec(parsing: chaos) } catch { fail(.usage, "\(error)") }
        }
        _ = options.chunkSeconds()
        if maxCost != nil { fail(.usage, "--max-cost prices AWS instances: use it with --backend aws (here --max-time limits the wall time)") }
        if cost.given { fail(.usage, "--sample, --from, --instance-type, --prices, --speed, --array-size and --no-refresh go with --backend aws --max-cost") }
        let status = try await runRecipe()
        if status != 0 { Foundation.exit(status) }
    }
}

/// The options `render` and `chaos` share: what to render, how, and where.
struct RenderOptions: ParsableArguments {
    @Option(help: "Scene to render (default: the file's active scene).")
    var scene: String?

    @Option(help: ArgumentHelp("Frames, OpenJD style: 1-100, 1-100:5, 1,5,9-12, or Blender's 1..100 (default: the scene's range and step).", valueName: "range"))
    var frames: String?

    @Flag(name: .customLong("frames-in-scene"), help: "Refuse --frames reaching outside the scene's frame range (exit 64) instead of rendering them.")
    var framesInScene = false

    @Option(help: "Frames per task (default: one task per worker, at most 25 frames, or one task with --workers 1; each task pays Blender's start-up once).")
    var chunk: Int?

    @Option(name: .customLong("chunk-time"), help: ArgumentHelp("Size tasks to run about this long (e.g. 60s, 2m), from a measured first frame.", valueName: "duration"))
    var chunkTime: String?

    @Option(help: "Resolution percentage (1-100 scales the scene's resolution).")
    var percent: Int?

    @Option(help: "Render samples (Cycles/EEVEE).")
    var samples: Int?

    @Option(help: "Render engine: cycles, eevee, workbench, or any Blender engine ID (any case; mapped to the running Blender's own ID).")
    var engine: String?

    @Option(help: ArgumentHelp("Cycles device: cpu, cuda, optix, hip or oneapi (default: the scene's; a missing GPU is exit 69; with --backend aws, cuda and optix run on the GPU queue).", valueName: "device"))
    var device: String?

    @Option(help: ArgumentHelp("Denoising: on or off (default: the scene's, turned off with a warning where the Blender has no OpenImageDenoise).", valueName: "on|off"))
    var denoise: Toggle?

    @Flag(name: .customLong("no-persistent-data"), help: "Let Blender rebuild its render data for every frame (default: kept between a task's Cycles frames, much faster on static scenes).")
    var noPersistentData = false

    @Flag(name: .customLong("keep-existing"), help: "Keep frames already in the output that were made with other settings (another .blend, size, samples, Blender) instead of rendering them again.")
    var keepExisting = false

    @Flag(name: .customLong("allow-older-blender"), help: "Render even when the Blender (the job definition's, with --backend aws) is older than the release that saved the file (it may crash or drop data).")
    var allowOlderBlender = false

    @Option(help: "Frame file format: PNG, JPEG, OPEN_EXR, OPEN_EXR_MULTILAYER, TIFF, WEBP, BMP or TARGA (default: the scene's own, else PNG).")
    var format: String?

    @Option(help: "Parallel tasks (default: max(2, cores/4), at most 8; Blender threads per task = 2 × cores/workers, at most all cores).")
    var workers: Int?

    @Option(help: "Output folder or s3://BUCKET/PREFIX (default: out/<file name>).")
    var out: String?

    @Flag(name: .customLong("no-video"), help: "Render frames only: no MP4, GIF or contact sheet.")
    var noVideo = false

    @Flag(name: .customLong("allow-gaps"), help: "Make the video even if frames failed, repeating the previous frame in each gap.")
    var allowGaps = false

    @Option(help: "The Blender to run (default: $BLENDBATCH_BLENDER, then 'blender' on PATH).")
    var blender: String?

    enum Toggle: String, ExpressibleByArgument, CaseIterable { case on, off }

    var workerCount: Int { request(file: "").workerCount }

    func executorConfiguration() -> LocalExecutor.Configuration {
        var configuration = LocalExecutor.Configuration(workers: workerCount)
        if let blender { configuration.environment["BLENDBATCH_BLENDER"] = blender }
        return configuration
    }

    func request(file: String, out explicitOut: String? = nil) -> RenderRequest {
        var request = RenderRequest(file: file)
        request.scene = scene
        request.frames = frames
        request.framesInScene = framesInScene
        request.chunk = chunk
        request.percent = percent
        request.samples = samples
        request.engine = engine
        request.device = device
        request.denoise = denoise.map { $0 == .on }
        request.persistentData = noPersistentData ? false : nil
        request.allowOlderBlender = allowOlderBlender
        request.keepExisting = keepExisting
        request.format = format
        request.workers = workers
        request.out = explicitOut ?? out
        request.video = !noVideo
        request.allowGaps = allowGaps
        return request
    }

    /// `--chunk-time` in seconds (exits with one clear line when it is not a duration).
    func chunkSeconds() -> Double? {
        guard let chunkTime else { return nil }
        guard let seconds = Chunking.parseDuration(chunkTime) else { fail(.usage, "--chunk-time \(chunkTime): use e.g. 60s, 2m, 1h") }
        return seconds
    }

    /// Read the .blend, check the options, and plan the job without measuring a frame (exits with
    /// one clear line on bad input).
    func plan(file: String, out explicitOut: String? = nil) async -> JobManifest {
        var request = request(file: file, out: explicitOut)
        request.chunkTime = chunkSeconds()
        do {
            return try await request.plan()
        } catch {
            fail(error.code, error.message)
        }
    }
}
