import Foundation
import Testing

/// What the executor tests show with a stand-in worker, shown again with the real worker and real
/// Blender: cancelling a live job, reclaiming a task that ignores its notice, stitching with gaps.
@Suite("live jobs with real Blender: cancel, reclaim, gaps", .serialized, .requires(.blender, .ffmpeg), .timeLimit(.minutes(10)))
struct RealBlenderControlTests {
    /// The demo at 20%, slow enough (64 samples) that a job is still rendering when the test acts.
    static let slow = ["--percent", "20", "--samples", "64"]

    @Test("cancel of a live local job: Blender and the workers stop, the job is cancelled, resume finishes it")
    func cancelLiveJob() async throws {
        let out = Binary.folder("cancel-real")
        let mark = UUID().uuidString
        let arguments = ["render", Binary.demo, "--frames", "1-4", "--chunk", "2", "--out", out, "--workers", "2"] + Self.slow
        let render = try Binary.start(arguments, mark: mark)
        #expect(try await Binary.waitFor(seconds: 120) { !Binary.marked(mark, command: "blender").isEmpty })

        let cancel = try CLIRunner.run(["cancel", "latest", "--out", out, "--json"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try Binary.json(cancel.stdout)["state"] as? String == "cancelled")
        render.waitUntilExit()
        #expect(render.terminationStatus != 0)
        #expect(try await Binary.waitFor(seconds: 30) { Binary.marked(mark).isEmpty }, "left running: \(Binary.marked(mark))")
        #expect(Binary.journal(out).contains { $0["kind"] as? String == "end" && $0["state"] as? String == "cancelled" })

        let resumed = try CLIRunner.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try MediaCheck.expectRendered(out, frames: 1...4)
    }

    @Test("a task that ignores its Spot notice is SIGKILLed with its real worker and Blender, and retried to a full set")
    func reclaimStubbornTask() async throws {
        let out = Binary.folder("reclaim-real")
        let mark = UUID().uuidString
        // The render's attempt 1 (BLENDBATCH_TASK <job>/render/<index>/1) ignores SIGTERM and runs the
        // real worker (and so Blender) in a session of its own, where the notice does not reach it;
        // it never ends by itself. Everything else is the plain worker.
        let wrapper = out + "/stubborn-worker"
        let script = """
            #!/bin/sh
            case "$BLENDBATCH_TASK" in */render/*/1)
              trap '' TERM
              setsid '\(Binary.binary)' worker "$@" &
              wait
              exec sleep 600 ;;
            esac
            exec '\(Binary.binary)' worker "$@"
            """
        _ = FileManager.default.createFile(atPath: wrapper, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        let render = try CLIRunner.run(
            ["render", Binary.demo, "--frames", "1-2", "--chunk", "2", "--out", out, "--workers", "1", "--json",
             "--chaos", "interrupt=100%,notice=1s,max=1,seed=1"] + Self.slow,
            environment: ["BLENDBATCH_WORKER": wrapper, "BB_TEST_MARK": mark])
        #expect(render.status == 0, "\(render.stdout)")
        let exits = Binary.journal(out).filter { $0["kind"] as? String == "exit" && $0["stage"] as? String == "render" }
        #expect(exits.first?["signal"] as? Int == Int(SIGKILL), "\(exits)")
        #expect(try Binary.json(render.stdout)["interruptions"] as? Int == 1)
        #expect(Binary.marked(mark).isEmpty, "left running: \(Binary.marked(mark))")
        try MediaCheck.expectRendered(out, frames: 1...2)
    }

    @Test("--allow-gaps: real Blender renders all but frame 5 (crashed by the crashing-blender stand-in), FFmpeg stitches 6 frames")
    func allowGaps() throws {
        let out = Binary.folder("gaps-real")
        let render = try CLIRunner.run(
            ["render", Binary.demo, "--frames", "1-6", "--chunk", "3", "--out", out, "--json", "--allow-gaps",
             "--blender", Binary.repo + "/Tests/Fixtures/crashing-blender.py"] + Binary.tiny,
            environment: ["CRASH_FRAME": "5"])
        #expect(render.status == 70, "a failed frame still fails the job")
        let failed = try #require(try Binary.json(render.stdout)["failedFrames"] as? [[String: Any]])
        #expect(failed.map { $0["frame"] as? Int } == [5])
        try MediaCheck.expectRendered(out, frames: [1, 2, 3, 4, 6], video: nil)
        #expect(try MediaCheck.videoFrames(out + "/demo.mp4") == 6)
    }
}
