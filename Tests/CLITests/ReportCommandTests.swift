import AWSServices
import Executors
import Foundation
import ObjectStore
import Render
import RenderPlan
import Testing

/// Headless Chromium (Debian's `chromium`, installed by scripts/setup) through `scripts/report-check`,
/// which drives it over the DevTools protocol (tests needing it declare `.requires(.chromium)`).
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What the page did in Chromium: console errors, requests beyond file:/data:, selector counts, screenshot colours.
    struct Check: Decodable {
        var title: String
        var counts: [String: Int]
        var consoleErrors: [String]
        var networkRequests: [String]
        var colours: Int?
    }

    static func check(_ html: String, counting selectors: [String], screenshot: String? = nil) throws -> Check {
        guard let path else { throw CheckError("chromium is not installed (scripts/setup installs it); CI=true needs it") }
        let arguments = [html] + selectors.flatMap { ["--count", $0] } + (screenshot.map { ["--screenshot", $0] } ?? [])
        let result = try CLIRunner.runTool(Binary.repo + "/scripts/report-check", arguments, environment: ["CHROMIUM": path])
        guard result.status == 0 else { throw CheckError("report-check failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(Check.self, from: result.stdoutData)
    }

    struct CheckError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

@Suite("blendbatch report: the HTML job report in real headless Chromium", .serialized)
struct ReportCommandTests {
    /// The job folder of the only job in `out`.
    func jobFolder(_ out: String) throws -> String {
        let jobs = out + "/.blendbatch/jobs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: jobs).sorted().last)
        return jobs + "/" + id
    }

    @Test("a real render: report.html is live while it runs (refreshing itself) and final after; Chromium loads it with no console error and no network request, one mark per frame, a screenshot that is not blank",
          .requires(.chromium))
    func realRender() async throws {
        let out = Binary.folder("report")
        let mark = UUID().uuidString
        // Long enough (many seconds) that the controller's first live write, 2.5 s in, lands before the end.
        let process = try Binary.start(["render", Binary.demo, "--frames", "1-12", "--chunk", "3", "--out", out,
                                        "--percent", "50", "--samples", "24", "--workers", "2"], mark: mark)
        var folder: String?
        #expect(try await Binary.waitFor(seconds: 120) {
            folder = try? jobFolder(out)
            let text = folder.flatMap { try? String(contentsOfFile: $0 + "/report.html", encoding: .utf8) } ?? ""
            return text.contains(#"<meta http-equiv="refresh""#) || !process.isRunning
        })
        let live = try String(contentsOfFile: try #require(folder) + "/report.html", encoding: .utf8)
        #expect(live.contains(#"<meta http-equiv="refresh" content="5">"#), "the controller writes a self-refreshing report while the job runs")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let final = try String(contentsOfFile: try jobFolder(out) + "/report.html", encoding: .utf8)
        #expect(!final.contains("http-equiv=\"refresh\""), "the final report stops refreshing")
        #expect(final.contains(">succeeded<"))

        let report = try CLIRunner.run(["report", try jobFolder(out)])
        #expect(report.status == 0, "\(report.stderr)")
        let path = try #require(report.stdout.split(separator: "\n").last.map(String.init))
        #expect(path == (try jobFolder(out)) + "/report.html")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://") && !html.contains("@font-face"))

        let shot = out + "/report.png"
        let check = try Chromium.check(path, counting: ["[data-frame]", "#timeline rect", "img"], screenshot: shot)
        #expect(check.consoleErrors.isEmpty, "\(check.consoleErrors)")
        #expect(check.networkRequests.isEmpty, "\(check.networkRequests)")
        #expect(check.counts["[data-frame]"] == 12, "one mark per frame")
        #expect(check.counts["#timeline rect"] == 5, "4 render tasks and the stitch, one attempt each")
        #expect(check.counts["img"] == 2, "the GIF and the contact sheet, loaded from beside the video")
        #expect((check.colours ?? 0) > 50, "the screenshot is not blank: \(check.colours ?? 0) colours")

        // --json prints the same data: each frame's metrics, as `status --json` has them.
        let json = try Binary.json(try CLIRunner.run(["report", try jobFolder(out), "--json"]).stdout)
        let frames = try #require(json["frames"] as? [[String: Any]])
        #expect(frames.map { $0["frame"] as? Int } == Array(1...12))
        for frame in frames {
            #expect((frame["seconds"] as? Double).map { $0 >= 0 } == true && (frame["peakMemory"] as? Int ?? 0) > 0)
            #expect(frame["attempt"] as? Int == 1 && frame["host"] as? String == ProcessInfo.processInfo.hostName)
            #expect(frame["task"] as? Int == ((frame["frame"] as? Int ?? 1) - 1) / 3)
        }
        #expect((json["cost"] as? [String: Any])?["taskSeconds"] as? Double ?? 0 > 0)
        let status = try Binary.json(try CLIRunner.run(["status", try jobFolder(out), "--json"]).stdout)
        #expect((status["frameMetrics"] as? [[String: Any]])?.count == 12)
    }

    @Test("a job with Spot interruptions, retries and a frame that crashes Blender every time: the timeline marks each, the failure shows its log's tail, the cost section says no estimate recorded",
          .requires(.chromium))
    func troubledJob() throws {
        let out = Binary.folder("report-trouble")
        let render = try CLIRunner.run(
            ["render", Binary.demo, "--frames", "1-6", "--chunk", "3", "--out", out, "--chaos", "interrupt=100%,notice=1s,max=1,seed=3",
             "--blender", Binary.repo + "/Tests/Fixtures/crashing-blender.py"] + Binary.tiny,
            environment: ["CRASH_FRAME": "5"])
        #expect(render.status == 70, "\(render.stderr)")
        let report = try CLIRunner.run(["report", try jobFolder(out), "--json"])
        let json = try Binary.json(report.stdout)
        let attempts = try #require(json["attempts"] as? [[String: Any]])
        let outcomes = attempts.compactMap { $0["outcome"] as? String }
        #expect(outcomes.contains("interrupted"), "\(outcomes)")
        #expect(outcomes.contains("retried"), "\(outcomes)")
        #expect(outcomes.contains("failed"), "\(outcomes)")
        let failures = try #require(json["failures"] as? [[String: Any]])
        #expect(failures.first?["title"] as? String == "frame 5 (task 1)")
        let tail = failures.first?["logTail"] as? [String] ?? []
        #expect(tail.contains { $0.contains("while rendering frame 5") }, "\(tail)")

        let written = try CLIRunner.run(["report", try jobFolder(out)])
        let path = try #require(written.stdout.split(separator: "\n").last.map(String.init))
        let check = try Chromium.check(path, counting: ["rect[data-outcome=interrupted]", "rect[data-outcome=retried]",
                                                        "rect[data-outcome=failed]", ".mark-interrupted", "details.failure pre",
                                                        "[data-frame]"])
        #expect(check.consoleErrors.isEmpty, "\(check.consoleErrors)")
        #expect(check.networkRequests.isEmpty)
        #expect(check.counts["rect[data-outcome=interrupted]"] == outcomes.filter { $0 == "interrupted" }.count)
        #expect(check.counts["rect[data-outcome=retried]"] == outcomes.filter { $0 == "retried" }.count)
        #expect(check.counts["rect[data-outcome=failed]"] == 1)
        #expect(check.counts[".mark-interrupted"] ?? 0 > 0)
        #expect(check.counts["details.failure pre"] ?? 0 >= 1)
        #expect(check.counts["[data-frame]"] == 5, "frames 1-4 and 6 rendered")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("no estimate recorded"))
    }

    @Test("the cost section shows what cost.json records beside the measured task time")
    func costRecord() throws {
        let out = Binary.folder("report-cost")
        let render = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--no-video", "--out", out] + Binary.tiny)
        #expect(render.status == 0, "\(render.stderr)")
        let folder = try jobFolder(out)
        // The record as `render --max-cost` writes it: the whole `estimate --json` object, the budget, the spend.
        let figures = #"{"wall_seconds": 30, "spot_usd": 0.01, "on_demand_usd": 0.03}"#
        let estimate = #"{"frames": 2, "tasks": 1, "basis": "3 sample frames", "samples": [{"frame": 1, "seconds": 1.5}], "#
            + #""startup_seconds": 2, "core_hours": {"median": 0.01, "p10": 0.01, "p90": 0.02}, "#
            + #""here": {"wall_seconds": {"median": 90, "p10": 80, "p90": 120}, "workers": 2, "threads_per_task": 1, "cores": 2}, "#
            + #""instances": [{"instance_type": "c7i.4xlarge", "vcpus": 16, "speed": 1, "array_size": 1, "spot_usd_per_hour": 0.3, "#
            + #""on_demand_usd_per_hour": 0.714, "wall_seconds": 30, "spot_usd": 0.01, "on_demand_usd": 0.03, "spot_saving_percent": 66, "#
            + #""p10": \#(figures), "p90": \#(figures)}], "#
            + #""prices": {"date": "2026-12-05", "region": "us-east-1", "source": "test", "spot_refreshed": []}}"#
        try Data(#"{"estimate": \#(estimate), "budget": {"max_cost_usd": 5, "stopped": false}, "spent": {"usd": 0.02, "market": "spot"}}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/cost.json"))
        let json = try Binary.json(try CLIRunner.run(["report", folder, "--json"]).stdout)
        let cost = try #require(json["cost"] as? [String: Any])
        #expect(((cost["recorded"] as? [String: Any])?["spent"] as? [String: Any])?["usd"] as? Double == 0.02)
        let path = try #require(try CLIRunner.run(["report", folder]).stdout.split(separator: "\n").last.map(String.init))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("c7i.4xlarge") && html.contains("$0.01") && html.contains("$0.03") && html.contains("spent: $0.02"))
        #expect(html.contains("core-hours") && !html.contains("no estimate recorded"))
    }

    @Test("bad input: one clear line, its exit code, no report left behind", arguments: [
        (["report", "no-such-job"], Int32(66), "blendbatch: no job 'no-such-job'"),
        (["report", "JOB", "--out", "/proc/forbidden/report.html"], Int32(74), "blendbatch: cannot write the report to /proc/forbidden/report.html"),
    ])
    func badInput(arguments: [String], code: Int32, line: String) throws {
        let out = Binary.folder("report-bad")
        _ = try CLIRunner.run(["render", Binary.demo, "--frames", "1", "--no-video", "--out", out] + Binary.tiny)
        let job = try jobFolder(out)
        let result = try CLIRunner.run(arguments.map { $0 == "JOB" ? job : $0 }, environment: ["XDG_STATE_HOME": out + "/state"])
        #expect(result.status == code)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix(line), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/proc/forbidden/report.html"))
    }

    @Test("an AWS job's report from moto's Batch records and the metrics its array children put beside the frames; the final report goes beside the video",
          .requires(.chromium, .moto))
    func awsJob() async throws {
        let state = Binary.folder("report-aws")
        let (manifest, handle) = try await AWSJobCommandsTests().submitted(state: state)
        // What each array child's worker stores beside the frames (moto runs no containers).
        for task in 0..<2 {
            let metrics = (task * 2 + 1...task * 2 + 2).map {
                FrameMetric(frame: $0, seconds: Double($0), peakMemory: 1 << 28, task: task, attempt: 1, host: "ip-10-0-0-\(task)", savedAt: 1_800_000_000)
            }
            try await handle.store.put(data: FrameMetrics.encode(metrics), key: FrameMetrics.key(job: manifest.id, task: task, attempt: 1))
        }
        let json = try Binary.json(try runAWSCLI(["report", manifest.id, "--json"], home: state).stdout)
        #expect(json["backend"] as? String == "aws")
        #expect((json["frames"] as? [[String: Any]])?.compactMap { $0["host"] as? String } == ["ip-10-0-0-0", "ip-10-0-0-0", "ip-10-0-0-1", "ip-10-0-0-1"])
        #expect(((json["status"] as? [String: Any])?["framesDone"] as? Int) == 4)
        let status = try Binary.json(try runAWSCLI(["status", manifest.id, "--json"], home: state).stdout)
        #expect((status["frameMetrics"] as? [[String: Any]])?.compactMap { $0["frame"] as? Int } == [1, 2, 3, 4])

        let written = try runAWSCLI(["report", manifest.id], home: state)
        #expect(written.code == 0, "\(written.stderr)")
        let path = try #require(written.stdout.split(separator: "\n").last.map(String.init))
        #expect(path.hasPrefix(state) && path.hasSuffix("/\(manifest.id)/report.html"))
        let check = try Chromium.check(path, counting: ["[data-frame]"])
        #expect(check.counts["[data-frame]"] == 4)
        #expect(check.consoleErrors.isEmpty && check.networkRequests.isEmpty, "\(check.consoleErrors) \(check.networkRequests)")
        // moto calls the job done at once: the job has ended (failed: frames 5-6 are missing), so its report is beside the video.
        let beside = try await handle.store.read(key: ReportFile.storeKey(outputName: manifest.output.name))
        #expect(String(decoding: beside, as: UTF8.self).contains("data-frame=\"4\""))
    }

    @Test("Lua: job:metrics() has each frame's seconds, memory, task, attempt and host; job:report{} writes the page (default in the job folder, out= where handed) or returns its data; a sandboxed recipe cannot write it elsewhere")
    func lua() throws {
        let dir = try CLIRunner.tempDir()
        let out = dir.path + "/out", page = dir.path + "/page.html"
        let script = """
            local render = require "render"
            local job = render.submit{file = arg[1], out = arg[2], frames = "1-3", chunk = 2, percent = 20, samples = 2, video = false}
            job:wait()
            local m = job:metrics()
            print(#m, m[1].frame, m[3].task, m[1].attempt, m[1].host, m[1].seconds >= 0, m[1].peakMemory > 0)
            print(job:report{})
            print(job:report{out = arg[3]})
            local data = job:report{json = true}
            print(#data.frames, data.status.state, data.backend)
            local ok, err = pcall(job.report, job, {out = "/tmp/elsewhere-report.html"})
            print(ok, err)
            """
        try script.write(to: dir.appendingPathComponent("report.lua"), atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", "report.lua", Binary.demo, out, page], directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "3\t1\t1\t1\t\(ProcessInfo.processInfo.hostName)\ttrue\ttrue", "\(lines)")
        #expect(lines.count == 5)
        let folder = try jobFolder(out)
        #expect(lines.dropFirst().first == folder + "/report.html")
        #expect(lines.dropFirst(2).first == page && FileManager.default.fileExists(atPath: page))
        #expect(lines.dropFirst(3).first == "3\tsucceeded\tlocal")
        #expect(lines.last?.hasPrefix("false\t") == true && lines.last?.contains("may not write /tmp/elsewhere-report.html") == true, "\(lines)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/elsewhere-report.html"))
    }
}
