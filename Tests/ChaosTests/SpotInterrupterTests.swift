import Executors
import Foundation
import RenderPlan
import Testing
@testable import Chaos

/// The stand-in worker (`Tests/Fixtures/standin-worker.py`) plays `blendbatch worker` here: these
/// tests are about interruption handling, not Blender, and must stay fast; CLITests run the same
/// experiment with real Blender renders.
enum StandIn {
    static let command: [String] = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return [url.path + "/Tests/Fixtures/standin-worker.py"]
    }()

    static func manifest(out: String, frames: [Int], chunk: Int) -> JobManifest {
        let chunks = stride(from: 0, to: frames.count, by: chunk).enumerated().map { index, start in
            FrameChunk(index: index, frames: Array(frames[start..<min(start + chunk, frames.count)]))
        }
        return JobManifest(id: "chaos-\(UUID().uuidString.prefix(8).lowercased())", input: "demo.blend", scene: nil,
                           overrides: RenderOverrides(), chunks: chunks, output: OutputSpec(location: out, name: "demo"),
                           stitch: StitchSpec(frameRate: 24))
    }

    static func configuration(frameSeconds: Double) -> LocalExecutor.Configuration {
        .init(workers: 2, workerCommand: command, environment: ["STANDIN_FRAME_SECONDS": String(frameSeconds)],
              policy: RetryPolicy(maxAttempts: 1, backoff: 0.05), cancelGrace: 2, pollInterval: 0.05)
    }
}

@Suite("SpotInterrupter", .serialized, .requires(.ffmpeg))
struct SpotInterrupterTests {
    @Test("interrupt=100%,max=1: every task is interrupted once, retried free, and no frame is lost WithStandInWorker")
    func everyTaskOnce() async throws {
        let out = NSTemporaryDirectory() + "bb-spot-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        // First attempts last until their notice comes, however late on a loaded machine.
        var configuration = StandIn.configuration(frameSeconds: 0.05)
        configuration.environment["STANDIN_FIRST_ATTEMPT_SECONDS"] = "600"
        configuration.hooks = [SpotInterrupter(spec: ChaosSpec(share: 1, notice: 0.5, seed: 1, maxPerTask: 1), expectedDuration: 0.5)]
        let manifest = StandIn.manifest(out: out, frames: Array(1...9), chunk: 3)
        let status = try await LocalExecutor(configuration: configuration).start(manifest).wait()
        #expect(status.state == .succeeded)
        #expect(status.noticesSent == 3 && status.interruptions == 3 && status.retries == 3)
        // Counted and decoded here, not by FrameVerifier (the code under test).
        try MediaCheck.expectRendered(out, frames: 1...9, video: nil)
    }
}

@Suite("ChaosExperiment", .serialized)
struct ChaosExperimentTests {
    @Test("runs from scratch into run-N, verifies every frame and prints the table WithStandInWorker")
    func experiment() async throws {
        let folder = NSTemporaryDirectory() + "bb-chaos-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = StandIn.configuration(frameSeconds: 0.2)
        configuration.environment["STANDIN_REAL_VIDEO"] = "1"
        let experiment = ChaosExperiment(spec: ChaosSpec(share: 0.5, notice: 0.3, seed: 3), runs: 2, folder: folder,
                                         configuration: configuration, expectedTaskDuration: 0.6)
        let results = try await experiment.run { runFolder, _ in StandIn.manifest(out: runFolder, frames: Array(1...8), chunk: 2) }
        #expect(results.count == 2)
        #expect(results.map(\.folder) == [folder + "/run-1", folder + "/run-2"])
        #expect(results.allSatisfy { $0.state == .succeeded && $0.delivered == 8 && $0.lost.isEmpty && $0.corrupt.isEmpty })
        #expect(results.reduce(0) { $0 + $1.interruptions } > 0)
        #expect(results.allSatisfy { $0.videoFrames == 8 && $0.passed })
        let table = ChaosExperiment.table(results)
        #expect(table.contains("run  expected  delivered"))
        #expect(table.hasSuffix("frames delivered whole"))
        var broken = results[0]
        broken.lost = [3]
        #expect(ChaosExperiment.table([broken]).contains("run 1: lost frames 3"))
    }
}
