import Foundation
import Testing

/// The chaos drill end to end: real Blender, tiny demo, 3 runs, 30% of task attempts interrupted.
@Suite("blendbatch chaos (binary, real Blender)", .serialized, .requires(.blender, .ffmpeg))
struct ChaosCommandTests {
    @Test("3 runs at 30% interruptions: zero lost, zero duplicates, zero corrupt, exact video frame count")
    func threeRuns() throws {
        let out = Binary.folder("chaos")
        let chaos = try CLIRunner.run(
            ["chaos", Binary.demo, "--frames", "1-8", "--chunk", "2", "--out", out, "--runs", "3",
             "--interrupt", "30%", "--notice", "1s", "--seed", "11", "--json"] + Binary.tiny)
        let runs = try #require(try JSONSerialization.jsonObject(with: chaos.stdoutData) as? [[String: Any]])
        #expect(chaos.status == 0, "\(chaos.stderr)")
        #expect(runs.count == 3)
        for run in runs {
            #expect(run["state"] as? String == "succeeded")
            #expect((run["lost"] as? [Int])?.isEmpty == true)
            #expect((run["duplicates"] as? [String])?.isEmpty == true)
            #expect((run["corrupt"] as? [String])?.isEmpty == true)
            #expect(run["delivered"] as? Int == 8)
            #expect(run["videoFrames"] as? Int == 8)
        }
        #expect(runs.reduce(0) { $0 + ($1["interruptions"] as? Int ?? 0) } > 0)
        // Checked here, not by blendbatch's FrameVerifier: the PNGs counted, each decoded by FFmpeg,
        // the video's frames counted by ffprobe.
        for n in 1...3 {
            try MediaCheck.expectRendered("\(out)/run-\(n)", frames: 1...8)
        }
    }
}
