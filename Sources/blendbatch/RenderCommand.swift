import ArgumentParser
import BlendFile
import Chaos
import Executors
import Foundation
import RenderPlan
import Scripting

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

        """ + optionsHelp)

    @OptionGroup var options: RenderOptions

    @Flag(help: "Print the end summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Where tasks run: local (this machine), aws (AWS Batch: needs --queue and an s3:// --out) or slurm (sbatch --array: --out on a filesystem every node sees, or s3://).", valueName: "backend"))
    var backend = "local"

    @Flag(help: "With --backend aws or slurm: follow the job until it ends instead of returning after submission.")
    var wait = false

    @Option(name: .customLong("max-cost"), help: ArgumentHelp("AWS budget in US$: refuse when the estimate's p90 cost is over it; with --wait, cancel array children not started once the measured spend reaches it.", valueName: "usd"))
    var maxCost: Double?

    @OptionGroup(title: "Estimate (for --max-cost with --backend aws; see blendbatch estimate --help)")
    var cost: EstimateOptions

    func run() async throws {
        guard Backends.names.contains(backend) else {
            throw CommandEnd(.usage, "--backend \(backend): use \(Backends.names.joined(separator: ", "))")
        }
        if let scheduler = Backends.named(backend) {
            return try await runOn(scheduler, files: try options.files(against: Self.declaration))
        }
        if maxCost != nil { throw CommandEnd(.usage, "--max-cost prices AWS instances: use it with --backend aws (here --max-time limits the wall time)") }
        if cost.given { throw CommandEnd(.usage, "--sample, --from, --instance-type, --prices, --speed, --array-size and --no-refresh go with --backend aws --max-cost") }
        let recipe = try await RenderRecipe.find()
        let files = try options.files(against: recipe.words)
        if files.count > 1 { return try await runEach(files, recipe: recipe) }
        try CommandEnd.unlessSuccess(try await run(recipe, file: files[0]))
    }
}

extension RenderCommand {
    /// The options `render` reads for a scheduler: the request's fields, and every scheduler's own
    /// (`--queue`, `--partition`), each only with its backend.
    static let declaration = RecipeDeclaration(name: "render", parameters: RenderOptions.declaration.parameters + schedulerParameters)

    /// Every scheduler's own options (`--queue`, `--partition`).
    static let schedulerParameters = Backends.schedulers.flatMap { $0.fields.map { RecipeParameter(field: $0) } }

    /// `--help`'s list of the options read through the declarations.
    static var optionsHelp: String {
        ([RenderOptions.help] + Backends.schedulers.map { backend in
            "\(backend.label.uppercased()) OPTIONS (--backend \(backend.name)):\n"
                + RecipeArguments.optionRows(backend.fields.map { RecipeParameter(field: $0) }).joined(separator: "\n")
        }).joined(separator: "\n\n")
    }
}
