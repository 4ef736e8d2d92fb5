import ArgumentParser
import Chaos
import Executors
import Foundation
import ObjectStore
import RenderPlan

/// `blendbatch chaos FILE`: a local Spot-interruption drill with a verdict.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos", _superCommandName: "blendbatch",
        abstract: "Render FILE several times while interrupting tasks like Spot reclaims, and prove nothing is lost.",
        discussion: """
        Each run renders from scratch into <out>/run-N/ (the same layout as 'render --out'). While it \
        runs, the given share of task attempts gets an interruption notice (SIGTERM to the task's \
        process group), then SIGKILL when the notice runs out, as EC2 does with its two-minute warning. \
        Afterwards every frame is checked: present once, decoded whole (structure and FFmpeg decode), \
        and the video's frames counted with ffprobe. Prints one table row per run; exits 0 only when \
        no run lost, duplicated or corrupted a frame and every video has exactly the expected frames.

        Example: blendbatch chaos demo.blend --out out/chaos --runs 3 --interrupt 30% --percent 50
        """)

    @Argument(help: "The .blend file to render.")
    var file: String

    @OptionGroup var options: RenderOptions

    @Option(help: "How many runs.")
    var runs: Int = 3

    @Option(help: ArgumentHelp("Share of task attempts to interrupt (30% or 0.3).", valueName: "share"))
    var interrupt: String = "30%"

    @Option(help: ArgumentHelp("Seconds between notice (SIGTERM) and reclaim (SIGKILL): 2s, 500ms.", valueName: "duration"))
    var notice: String = "2s"

    @Option(help: "Seed of the random choices (default: random; printed so a run can be repeated).")
    var seed: UInt64?

    @Flag(help: "Print the results as JSON.")
    var json = false

    func run() async throws {
        guard runs >= 1 else { throw CommandEnd(.usage, "--runs \(runs): give at least 1") }
        guard let share = ChaosSpec.share(interrupt) else { throw CommandEnd(.usage, "--interrupt \(interrupt): give a share like 30% or 0.3") }
        guard let noticeSeconds = ChaosSpec.seconds(notice), noticeSeconds >= 0 else { throw CommandEnd(.usage, "--notice \(notice): give a duration like 2s") }
        let spec = ChaosSpec(share: share, notice: noticeSeconds, seed: seed ?? UInt64.random(in: 1...UInt64(UInt32.max)))
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = try options.request(file: file).out ?? "out/\(name)-chaos"
        if case .s3? = try? StoreLocation(parsing: folder) {
            throw CommandEnd(.usage, "--out \(folder): a chaos drill verifies its runs in a folder on this machine; give a folder")
        }
        // Plan once (reads the .blend, checks the options); each run gets the same plan in its own folder.
        let request = try options.request(file: file, out: folder + "/run-1")
        if request.chaos != nil { throw CommandEnd(.usage, "--chaos is render's drill; here give --interrupt, --notice and --seed") }
        let planned = try await RenderOptions.plan(request)
        printError("chaos: \(runs) run(s), \(spec) → \(folder)/run-N")
        let experiment = ChaosExperiment(spec: spec, runs: runs, folder: folder,
                                         configuration: RenderOptions.executorConfiguration(request),
                                         expectedTaskDuration: 2)
        let bar = ProgressBar(label: "chaos", total: planned.allFrames.count * runs)
        let progress = ChaosProgress()
        let results = try await experiment.run(makeManifest: { runFolder, _ in
            var manifest = planned
            manifest.id = JobManifest.newID(name: name)
            manifest.output.location = (runFolder as NSString).standardizingPath.hasPrefix("/")
                ? runFolder : FileManager.default.currentDirectoryPath + "/" + runFolder
            return manifest
        }, onEvent: { run, event in
            if case .frameDone = event { bar.update(done: progress.frameDone(), detail: "run \(run)") }
        })
        bar.finish()
        if json { try printJSON(results) } else { print(ChaosExperiment.table(results)) }
        if !results.allSatisfy(\.passed) { throw CommandEnd(status: RenderPlan.ExitCode.renderFailure.rawValue) }
    }
}

final class ChaosProgress: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var done = 0
    func frameDone() -> Int { lock.withLock { done += 1; return done } }
}
