import Executors
import Foundation
import RenderPlan

/// `blendbatch chaos`: render the same job several times from scratch with Spot interruptions
/// injected, and check after each run that nothing was lost, duplicated or corrupted.
public struct ChaosExperiment: Sendable {
    public var spec: ChaosSpec
    public var runs: Int
    /// Folder holding `run-1/`, `run-2/`, …
    public var folder: String
    /// The executor's configuration (workers, worker command, policy); the interrupter is added per run.
    public var configuration: LocalExecutor.Configuration
    /// Expected seconds per task attempt before any has finished (where to aim the first notices).
    public var expectedTaskDuration: Double
    /// Decode every frame with FFmpeg (not only check its structure).
    public var decodeFrames: Bool

    public init(spec: ChaosSpec, runs: Int, folder: String, configuration: LocalExecutor.Configuration,
                expectedTaskDuration: Double = 2, decodeFrames: Bool = true) {
        self.spec = spec
        self.runs = runs
        self.folder = folder
        self.configuration = configuration
        self.expectedTaskDuration = expectedTaskDuration
        self.decodeFrames = decodeFrames
    }

    /// The figures of one run.
    public struct RunResult: Sendable, Codable, Equatable {
        public var run: Int
        public var folder: String
        public var jobID: String
        public var state: JobState
        public var expected: Int
        public var delivered: Int
        public var lost: [Int]
        public var duplicates: [String]
        public var corrupt: [String]
        public var leftovers: Int
        public var rerendered: Int
        public var interruptions: Int
        public var retries: Int
        /// Frames in the video (decoded), or nil when no video was asked for or made.
        public var videoFrames: Int?
        public var videoExpected: Bool
        public var wallTime: Double
        public var reason: String?

        /// Nothing lost, duplicated or corrupt, and a video with exactly the expected frames.
        public var passed: Bool {
            state == .succeeded && lost.isEmpty && duplicates.isEmpty && corrupt.isEmpty
                && (!videoExpected || videoFrames == expected)
        }
    }

    /// Run every round; `makeManifest(runFolder, runNumber)` plans the job for one run's folder.
    public func run(makeManifest: (String, Int) throws -> JobManifest,
                    onEvent: @escaping @Sendable (Int, JobEvent) -> Void = { _, _ in }) async throws -> [RunResult] {
        var results: [RunResult] = []
        for number in 1...max(1, runs) {
            let runFolder = (folder as NSString).appendingPathComponent("run-\(number)")
            try? FileManager.default.removeItem(atPath: runFolder)
            try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
            let manifest = try makeManifest(runFolder, number)
            var roundSpec = spec
            roundSpec.seed = spec.seed &+ UInt64(number - 1)
            var configuration = configuration
            configuration.hooks.append(SpotInterrupter(spec: roundSpec, expectedDuration: expectedTaskDuration))
            configuration.stateFolder = runFolder
            let executor = LocalExecutor(configuration: configuration)
            let handle = try await executor.start(manifest)
            let status = await handle.wait { event in onEvent(number, event) }
            let check = FrameVerifier(manifest: manifest, folder: runFolder, decodeWithFFmpeg: decodeFrames)
                .verify(logsFolder: handle.folder.logsPath)
            let video = runFolder + "/" + manifest.output.name + ".mp4"
            let videoExpected = manifest.stitch?.video ?? false
            results.append(RunResult(
                run: number, folder: runFolder, jobID: manifest.id, state: status.state,
                expected: check.expected, delivered: check.delivered, lost: check.lost, duplicates: check.duplicates,
                corrupt: check.corrupt, leftovers: check.leftovers.count, rerendered: check.rerendered.count,
                interruptions: status.noticesSent, retries: status.retries,
                videoFrames: videoExpected ? FrameVerifier.videoFrameCount(video) : nil,
                videoExpected: videoExpected, wallTime: status.wallTime, reason: status.reason))
        }
        return results
    }

    /// The results as a table for people, one row per run and a verdict line.
    public static func table(_ results: [RunResult]) -> String {
        let header = ["run", "expected", "delivered", "lost", "duplicates", "corrupt", "interruptions", "retries",
                      "video frames", "wall time", "result"]
        var rows = [header]
        for result in results {
            rows.append([String(result.run), String(result.expected), String(result.delivered), String(result.lost.count),
                         String(result.duplicates.count), String(result.corrupt.count), String(result.interruptions),
                         String(result.retries), result.videoFrames.map(String.init) ?? (result.videoExpected ? "none" : "-"),
                         String(format: "%.1fs", result.wallTime), result.passed ? "ok" : "FAILED"])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 || column == row.count - 1 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        for result in results where !result.passed {
            var problems: [String] = []
            if !result.lost.isEmpty { problems.append("lost frames \(result.lost.map(String.init).joined(separator: ","))") }
            if !result.duplicates.isEmpty { problems.append("duplicates \(result.duplicates.joined(separator: ", "))") }
            if !result.corrupt.isEmpty { problems.append("corrupt \(result.corrupt.joined(separator: ", "))") }
            if result.videoExpected && result.videoFrames != result.expected {
                problems.append("video has \(result.videoFrames.map(String.init) ?? "no") frames, expected \(result.expected)")
            }
            if let reason = result.reason { problems.append(reason) }
            lines.append("run \(result.run): " + problems.joined(separator: "; "))
        }
        let lost = results.reduce(0) { $0 + $1.lost.count }
        lines.append(results.allSatisfy(\.passed)
            ? "nothing lost: \(results.count) run(s), \(results.reduce(0) { $0 + $1.interruptions }) interruptions, \(results.reduce(0) { $0 + $1.delivered }) frames delivered whole"
            : "FAILED: \(lost) frame(s) lost over \(results.count) run(s)")
        return lines.joined(separator: "\n")
    }
}
