import Foundation
import Testing

/// End-to-end: the built `blendbatch render` with real Blender on the tiny demo (64x36, 2 samples),
/// killed and crashed on purpose.
@Suite("blendbatch render (binary, real Blender)", .serialized, .requires(.blender, .ffmpeg))
struct RenderCommandTests {
    @Test("a worker killed mid-render is retried and the set completes; ffprobe counts the video")
    func killWorker() async throws {
        let out = Binary.folder("kill")
        let mark = UUID().uuidString
        let process = try Binary.start(["render", Binary.demo, "--frames", "1-8", "--chunk", "4", "--out", out] + Binary.tiny, mark: mark)
        #expect(try await Binary.waitFor(seconds: 60) { !Binary.marked(mark, command: " worker").isEmpty && Binary.frames(out).count >= 1 })
        let victim = try #require(Binary.marked(mark, command: " worker").first)
        kill(victim, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Binary.frames(out) == (1...8).map { String(format: "demo_%04d.png", $0) })
        let exits = Binary.journal(out).filter { $0["kind"] as? String == "exit" }
        #expect(exits.contains { $0["signal"] as? Int == Int(SIGKILL) })
        #expect(Binary.marked(mark).isEmpty)
        let probe = try CLIRunner.runTool("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                                               "stream=nb_read_frames,r_frame_rate", "-of", "csv=p=0", out + "/demo.mp4"])
        let fields = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        #expect(fields == ["24/1", "8"])
    }

    @Test("the controller SIGKILLed at a random point: --resume stops its orphans and renders only what is missing")
    func controllerCrash() async throws {
        let out = Binary.folder("crash")
        let mark = UUID().uuidString
        let arguments = ["render", Binary.demo, "--frames", "1-12", "--chunk", "3", "--out", out] + Binary.tiny
        let process = try Binary.start(arguments, mark: mark)
        let target = Int.random(in: 2...6)
        #expect(try await Binary.waitFor(seconds: 90) { Binary.frames(out).count >= target })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Frames there now must not be rendered again.
        let before = Dictionary(uniqueKeysWithValues: Binary.frames(out).map { name in
            (name, (try? FileManager.default.attributesOfItem(atPath: out + "/frames/" + name)[.modificationDate]) as? Date)
        })
        let resumed = try CLIRunner.run(arguments + ["--resume", "--json"], environment: ["BB_TEST_MARK": mark])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let report = try Binary.json(resumed.stdout)
        #expect(report["state"] as? String == "succeeded")
        #expect(report["framesDone"] as? Int == 12)
        #expect(Binary.frames(out).count == 12)
        for (name, stamp) in before {
            let now = try FileManager.default.attributesOfItem(atPath: out + "/frames/" + name)[.modificationDate] as? Date
            #expect(now == stamp, "\(name) was rendered again")
        }
        #expect((report["framesRendered"] as? Int ?? 99) <= 12 - before.count)
        let runs = Binary.journal(out).filter { $0["kind"] as? String == "run" }
        #expect(runs.count == 2)
        #expect(Binary.marked(mark).isEmpty)
        try MediaCheck.expectRendered(out, frames: 1...12)
    }

    @Test("Ctrl-C cancels cleanly: exit 130, no worker or Blender left running, resume finishes the job")
    func interrupt() async throws {
        let out = Binary.folder("sigint")
        let mark = UUID().uuidString
        let arguments = ["render", Binary.demo, "--frames", "1-6", "--chunk", "3", "--out", out] + Binary.tiny
        let process = try Binary.start(arguments, mark: mark)
        #expect(try await Binary.waitFor(seconds: 60) { !Binary.marked(mark, command: "blender").isEmpty })
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(Binary.marked(mark).isEmpty)
        let resumed = try CLIRunner.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try MediaCheck.expectRendered(out, frames: 1...6)
    }

    @Test("a frame that crashes Blender every time (the crashing-blender stand-in around real Blender) fails after the budget, named in the report; the others complete")
    func poisonFrame() throws {
        let out = Binary.folder("poison")
        let render = try CLIRunner.run(
            ["render", Binary.demo, "--frames", "1-6", "--chunk", "3", "--out", out, "--json",
             "--blender", Binary.repo + "/Tests/Fixtures/crashing-blender.py"] + Binary.tiny,
            environment: ["CRASH_FRAME": "5"])
        #expect(render.status == 70)
        let report = try Binary.json(render.stdout)
        #expect(report["state"] as? String == "failed")
        let failed = try #require(report["failedFrames"] as? [[String: Any]])
        #expect(failed.map { $0["frame"] as? Int } == [5])
        #expect((report["reason"] as? String)?.contains("5") == true)
        #expect(Binary.frames(out) == [1, 2, 3, 4, 6].map { String(format: "demo_%04d.png", $0) })
        #expect(!FileManager.default.fileExists(atPath: out + "/demo.mp4"))
    }

    @Test("bad input gets one clear line and its exit code", arguments: [
        (["render", "/nonexistent/shot.blend"], Int32(66)),
        (["render", "DEMO", "--scene", "NoSuchScene"], Int32(65)),
        (["render", "DEMO", "--frames", "5-1"], Int32(64)),
        (["render", "DEMO", "--chaos", "interrupt=200%"], Int32(64)),
        (["status", "no-such-job"], Int32(66)),
    ])
    func badInput(arguments: [String], code: Int32) throws {
        let out = Binary.folder("bad")
        let r = try CLIRunner.run(arguments.map { $0 == "DEMO" ? Binary.demo : $0 } + (arguments[0] == "render" ? ["--out", out] : []))
        #expect(r.status == code)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("blendbatch: "), "\(r.stderr)")
        #expect(Binary.frames(out).isEmpty)
    }

    @Test("bad input through the render recipe: exactly one 'blendbatch: ' line on stderr and its exit code", arguments: [
        (["/nonexistent/shot.blend"], Int32(66), "blendbatch: /nonexistent/shot.blend: cannot open"),
        (["DEMO", "--scene", "NoSuchScene"], Int32(65), "blendbatch: DEMO: no scene 'NoSuchScene' (scenes: "),
        (["DEMO", "--frames", "5-1"], Int32(64), "blendbatch: --frames: frame range \"5-1\" runs backwards"),
        (["DEMO", "--chunk-time", "soon"], Int32(64), "blendbatch: --chunk-time 'soon': use e.g. 60s, 2m, 1h"),
        (["DEMO", "--chaos", "interrupt=200%"], Int32(64), "blendbatch: --chaos 'interrupt=200%': "),
        (["DEMO", "--workers", "0"], Int32(64), "blendbatch: workers 0: give at least 1"),
    ])
    func badInputOneLine(arguments: [String], code: Int32, line: String) throws {
        let out = Binary.folder("bad-line")
        let r = try CLIRunner.run(["render"] + arguments.map { $0 == "DEMO" ? Binary.demo : $0 } + ["--out", out])
        #expect(r.status == code)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix(line.replacingOccurrences(of: "DEMO", with: Binary.demo)), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("render --json prints the report alone on stdout, with the keys it always had; the bundled recipe is not announced")
    func jsonReport() throws {
        let out = Binary.folder("json")
        let r = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--out", out, "--json"] + Binary.tiny)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try Binary.json(r.stdout)
        #expect(Set(report.keys) == ["attempts", "controllerAlive", "failedFrames", "framesDone", "framesRendered", "framesTotal",
                                     "id", "interruptions", "meanFrameTime", "noticesSent", "retries", "startedAt", "state",
                                     "stitch", "tasksFailed", "tasksRunning", "tasksSucceeded", "tasksTotal", "video", "wallTime"])
        #expect(report["state"] as? String == "succeeded")
        #expect(report["framesDone"] as? Int == 2)
        #expect(report["video"] as? String == out + "/demo.mp4")
        #expect(!r.stderr.contains("recipe: "), "\(r.stderr)")
    }

    @Test("a texture missing here is named before the render starts (the frames would show it magenta); with it there, no warning")
    func missingTextureWarned() throws {
        let project = Binary.folder("missing-texture")
        let blend = try TexturedScene.make(in: project)
        let present = try CLIRunner.run(["render", blend, "--frames", "1", "--no-video", "--out", project + "/out-present"] + Binary.tiny)
        #expect(present.status == 0, "\(present.stderr)")
        #expect(!present.stderr.contains("missing here"), "\(present.stderr)")
        let (red, _, _) = try TexturedScene.centrePixel(project + "/out-present/frames/" + (Binary.frames(project + "/out-present").first ?? ""))
        #expect(red > 200)

        try FileManager.default.removeItem(atPath: project + "/textures/red.png")
        let missing = try CLIRunner.run(["render", blend, "--frames", "1", "--no-video", "--out", project + "/out-missing"] + Binary.tiny)
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(missing.stderr.hasPrefix("blendbatch: scene.blend: 1 file is missing here: //../textures/red.png (in scene.blend); "
                                         + "Blender renders missing images magenta\n"), "\(missing.stderr)")
        let (_, green, blue) = try TexturedScene.centrePixel(project + "/out-missing/frames/" + (Binary.frames(project + "/out-missing").first ?? ""))
        #expect(green < 40 && blue > 200, "magenta, as the warning said")
    }

    @Test("an override render.lua on BLENDBATCH_RECIPE_PATH is what render runs: its output, its exit code, real frames")
    func overrideRecipe() throws {
        let out = Binary.folder("override")
        let dir = try CLIRunner.tempDir()
        try """
            local p = recipe { name = "render", description = "the studio's render", params = {
              { name = "file", type = "path", required = true }, { name = "frames", type = "string" },
              { name = "out", type = "path" }, { name = "percent", type = "int" }, { name = "samples", type = "int" },
              { name = "workers", type = "int" }, { name = "video", type = "bool", default = true } } }
            print("studio pipeline: " .. p.file .. " video=" .. tostring(p.video))
            local job = assert(require("render").submit { file = p.file, frames = p.frames, out = p.out, percent = p.percent,
              samples = p.samples, workers = p.workers, video = p.video })
            local report = job:wait {}
            print("studio frames: " .. report.framesDone)
            return report.exit_code == 0 and 3 or report.exit_code
            """.write(to: dir.appendingPathComponent("render.lua"), atomically: true, encoding: .utf8)
        let environment = ["BLENDBATCH_RECIPE_PATH": dir.path]
        let r = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--out", out, "--no-video"] + Binary.tiny,
                                  environment: environment)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout == "studio pipeline: \(Binary.demo) video=false\nstudio frames: 2\n")
        #expect(r.stderr.hasPrefix("recipe: \(dir.path)/render.lua (from path)\n"), "\(r.stderr)")
        #expect(Binary.frames(out) == ["demo_0001.png", "demo_0002.png"])
        #expect(!FileManager.default.fileExists(atPath: out + "/demo.mp4"))
        let undeclared = try CLIRunner.run(["render", Binary.demo, "--scene", "Demo", "--out", out], environment: environment)
        #expect(undeclared.status == 64)
        #expect(undeclared.stderr.hasSuffix("blendbatch: \(dir.path)/render.lua (the render recipe) has no parameter 'scene'\n"),
                "\(undeclared.stderr)")
    }
}
