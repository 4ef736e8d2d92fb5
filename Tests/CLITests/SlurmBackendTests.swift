import Foundation
import Testing

/// `render --backend slurm` on the one-node Slurm cluster of `scripts/slurm start` (SLURM_CONF from
/// `scripts/slurm env`; scripts/test does both): real sbatch arrays, real Blender, real FFmpeg. The
/// results are checked by `MediaCheck`: PNGs counted and decoded by FFmpeg, video frames by ffprobe.
@Suite("Slurm backend (real cluster, real Blender)", .serialized, .requires(.slurm, .blender, .ffmpeg))
struct SlurmBackendTests {
    @Test("an array with a dependent stitch renders every frame; status from another process says it ran on Slurm")
    func arrayAndStitch() throws {
        let out = Binary.folder("slurm-array")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-6", "--chunk", "2",
                                   "--percent", "10", "--samples", "1", "--out", out, "--wait"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("array") && r.stderr.contains("stitch"), "\(r.stderr)")
        try MediaCheck.expectRendered(out, frames: 1...6)

        let id = try #require(SlurmCluster.jobID(out))
        let status = try CLIRunner.run(["status", id])
        #expect(status.status == 0)
        #expect(status.stdout.contains("job \(id): succeeded on Slurm"), "\(status.stdout)")
        #expect(status.stdout.contains("tasks: 3 succeeded"), "\(status.stdout)")
        let json = try Binary.json(try CLIRunner.run(["status", id, "--json"]).stdout)
        #expect(json["backend"] as? String == "slurm")
        #expect(json["framesDone"] as? Int == 6)

        let report = try CLIRunner.run(["report", id, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let data = try Binary.json(report.stdout)
        #expect(data["backend"] as? String == "slurm", "\(report.stdout.prefix(300))")
        #expect((data["frames"] as? [Any])?.count == 6, "\(report.stdout.prefix(300))")
    }

    @Test("the Blender add-on's Slurm command line (addons/blendbatch/command.py) renders on the cluster and reports the job id")
    func addonCommandLine() throws {
        let out = Binary.folder("slurm-addon")
        let script = """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import command
        print(json.dumps(command.submit_argv(sys.argv[2], sys.argv[3], "slurm", "render",
                                             {"frames": "1-2", "percent": 10, "samples": 1, "out": sys.argv[4]})))
        """
        let built = try CLIRunner.runTool("/usr/bin/python3", ["-c", script, repositoryRoot.path + "/addons/blendbatch", CLIRunner.binary,
                                                               Binary.demo, out])
        let argv = try #require(try JSONSerialization.jsonObject(with: built.stdoutData) as? [String], "\(built.stderr)")
        #expect(Array(argv.dropFirst().prefix(6)) == ["render", Binary.demo, "--backend", "slurm", "--wait", "--json"])
        let r = try CLIRunner.runTool(argv[0], Array(argv.dropFirst()), environment: ["BLENDBATCH_PROGRESS": "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(SlurmCluster.jobID(out))
        #expect(r.stderr.contains("blendbatch-progress: ") && r.stderr.contains("\"job\":\"\(id)\""), "\(r.stderr)")
        #expect(try Binary.json(r.stdout)["state"] as? String == "succeeded")
        try MediaCheck.expectRendered(out, frames: 1...2, video: nil)
    }

    @Test("a job of more tasks than MaxArraySize (4 on the test cluster) is split over arrays; every task renders its own chunk")
    func splitArrays() throws {
        let out = Binary.folder("slurm-split")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-6", "--chunk", "1",
                                   "--percent", "10", "--samples", "1", "--out", out, "--wait", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let arrays = try #require(SlurmCluster.record(out)?["arrays"] as? [[String: Any]])
        #expect(arrays.map { $0["offset"] as? Int } == [0, 4])
        #expect(arrays.map { $0["count"] as? Int } == [4, 2])
        try MediaCheck.expectRendered(out, frames: 1...6)
    }

    @Test("a task preempted with scontrol requeue is requeued and loses nothing: frames it stored are not rendered again")
    func preempted() async throws {
        let out = Binary.folder("slurm-preempt")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-12", "--chunk", "6", "--workers", "1",
                                   "--percent", "50", "--samples", "48", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let array = try #require(SlurmCluster.arrayID(out))
        // Preempt task 0 once it has stored two frames.
        #expect(try await Binary.waitFor(seconds: 120) { Binary.frames(out).count >= 2 })
        let before = SlurmCluster.modificationDates(out)
        try SlurmCluster.tool("scontrol", ["requeue", "\(array)_0"])
        // Slurm holds a requeued job for two minutes; lift it as an admin would.
        #expect(try await Binary.waitFor(seconds: 30) { SlurmCluster.state("\(array)_0")?.state == "PENDING" })
        try SlurmCluster.tool("scontrol", ["update", "JobId=\(array)_0", "StartTime=now"])

        #expect(try await SlurmCluster.waitForEnd(id, seconds: 300) == "succeeded")
        try MediaCheck.expectRendered(out, frames: 1...12)
        #expect((SlurmCluster.state("\(array)_0")?.restarts ?? 0) >= 1)
        let after = SlurmCluster.modificationDates(out)
        for (frame, date) in before { #expect(after[frame] == date, "\(frame) was rendered again") }

        // The report's timeline marks task 0's preempted attempt interrupted, its last succeeded.
        let attempts = try #require(try Binary.json(try CLIRunner.run(["report", id, "--json"]).stdout)["attempts"] as? [[String: Any]])
        let task0 = attempts.filter { $0["stage"] as? String == "render" && $0["task"] as? Int == 0 }
            .sorted { ($0["attempt"] as? Int ?? 0) < ($1["attempt"] as? Int ?? 0) }.compactMap { $0["outcome"] as? String }
        #expect(task0.count >= 2 && task0.first == "interrupted" && task0.last == "succeeded", "\(attempts)")
    }

    @Test("a task whose Blender fails once (a wrapper exiting 1 on its first render) is requeued, counted, and the job succeeds")
    func failsOnceThenRenders() throws {
        let out = Binary.folder("slurm-retry")
        let wrapper = out + "/blender-fails-once"
        // Stand-in only for the failure: the second call is the real Blender.
        try """
            #!/bin/sh
            case "$*" in *--python*)
              if [ ! -e "\(out)/failed-once" ]; then : > "\(out)/failed-once"; echo "wrapper: failing once" >&2; exit 1; fi ;;
            esac
            exec blender "$@"
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-2", "--percent", "10", "--samples", "1",
                                   "--blender", wrapper, "--out", out, "--wait"])
        #expect(r.status == 0, "\(r.stderr)")
        try MediaCheck.expectRendered(out, frames: 1...2)
        // Both tasks run at once: whichever reached the wrapper first failed.
        let array = try #require(SlurmCluster.arrayID(out))
        let requeued = ["\(array)_0", "\(array)_1"].filter { SlurmCluster.state($0)?.restarts == 1 }
        #expect(requeued.count == 1)
        let log = try String(contentsOfFile: "\(out)/.blendbatch/jobs/\(SlurmCluster.jobID(out) ?? "")/logs/slurm-render-\(requeued.first ?? "?").log",
                             encoding: .utf8)
        #expect(log.contains("exit 70: requeued (counted against the retry budget)"), "\(log)")

        // The report's timeline, from the attempts the tasks recorded: that task's first attempt retried, its second rendered.
        let id = try #require(SlurmCluster.jobID(out))
        let report = try CLIRunner.run(["report", id, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let data = try Binary.json(report.stdout)
        let attempts = try #require(data["attempts"] as? [[String: Any]])
        let failed = try #require(requeued.first?.split(separator: "_").last.flatMap { Int($0) })
        func outcomes(_ stage: String, _ task: Int) -> [String] {
            attempts.filter { $0["stage"] as? String == stage && $0["task"] as? Int == task }
                .sorted { ($0["attempt"] as? Int ?? 0) < ($1["attempt"] as? Int ?? 0) }.compactMap { $0["outcome"] as? String }
        }
        #expect(outcomes("render", failed) == ["retried", "succeeded"], "\(attempts)")
        #expect(outcomes("render", 1 - failed) == ["succeeded"], "\(attempts)")
        #expect(outcomes("stitch", 0) == ["succeeded"], "\(attempts)")
        let first = attempts.first { $0["task"] as? Int == failed && $0["attempt"] as? Int == 1 }
        #expect((first?["detail"] as? String)?.contains("exit 70: requeued (counted against the retry budget)") == true, "\(first ?? [:])")
        #expect(first?["log"] as? String == "logs/slurm-render-\(requeued.first ?? "").log")
        // The frames that task stored carry its second attempt (the worker is told its number).
        let frames = try #require(data["frames"] as? [[String: Any]])
        #expect(frames.filter { $0["task"] as? Int == failed }.map { $0["attempt"] as? Int } == [2], "\(frames)")
        // The HTML page draws the retried attempt.
        let page = try CLIRunner.run(["report", id])
        let path = page.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(#"data-task="\#(failed)" data-stage="render" data-attempt="1" data-outcome="retried""#))
    }

    @Test("a .blend that turns bad before its task runs fails once (exit 65, no requeue) and the stitch is cancelled")
    func badBlendFailsOnce() async throws {
        let out = Binary.folder("slurm-bad")
        let blend = out + "/shot.blend"
        try FileManager.default.copyItem(atPath: Binary.demo, toPath: blend)
        // Hold the queue so the file can change between planning and the task.
        try SlurmCluster.tool("scontrol", ["update", "PartitionName=render", "State=DOWN"])
        defer { try? SlurmCluster.tool("scontrol", ["update", "PartitionName=render", "State=UP"]) }
        let r = try CLIRunner.run(["render", blend, "--backend", "slurm", "--frames", "1-2", "--percent", "10", "--samples", "1", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blend))
        bytes.replaceSubrange(12..<bytes.count, with: Data(repeating: 0x5A, count: bytes.count - 12))
        try bytes.write(to: URL(fileURLWithPath: blend))
        try SlurmCluster.tool("scontrol", ["update", "PartitionName=render", "State=UP"])

        #expect(try await SlurmCluster.waitForEnd(id, seconds: 120) == "failed")
        let status = try CLIRunner.run(["status", id, "--json"])
        let json = try Binary.json(status.stdout)
        #expect(json["failureCode"] as? Int == 65, "\(status.stdout)")
        #expect(json["retries"] as? Int == 0, "\(status.stdout)")
        #expect(json["stitch"] as? String == "cancelled", "\(status.stdout)")
        #expect(Binary.frames(out).isEmpty)
    }

    @Test("cancel stops the running task and the rest, frames already stored stay; resume renders only the rest")
    func cancelAndResume() async throws {
        let out = Binary.folder("slurm-cancel")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-12", "--chunk", "3", "--workers", "1",
                                   "--percent", "50", "--samples", "32", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let array = try #require(SlurmCluster.arrayID(out))
        #expect(try await Binary.waitFor(seconds: 120) { !Binary.frames(out).isEmpty })
        let c = try CLIRunner.run(["cancel", id])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("cancelled"), "\(c.stdout)")
        #expect(try await Binary.waitFor(seconds: 60) {
            SlurmCluster.states().filter { String($0.array) == array }.allSatisfy { $0.state == "CANCELLED" || $0.state == "COMPLETED" }
        })
        let kept = SlurmCluster.modificationDates(out)
        #expect(kept.count >= 1 && kept.count < 12)
        #expect(try MediaCheck.undecodable(in: out + "/frames").isEmpty)
        let status = try Binary.json(try CLIRunner.run(["status", id, "--json"]).stdout)
        #expect(status["state"] as? String == "cancelled")

        let resumed = try CLIRunner.run(["resume", id, "--wait"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("succeeded on Slurm"), "\(resumed.stdout)")
        try MediaCheck.expectRendered(out, frames: 1...12)
        let after = SlurmCluster.modificationDates(out)
        for (frame, date) in kept { #expect(after[frame] == date, "\(frame) was rendered again") }
    }
}

/// Lua job graphs on the cluster: `render.submit{backend='slurm', after=job}` makes Slurm hold the job
/// (`afterok`) until the one before it succeeded.
@Suite("Slurm job graphs from Lua (real cluster, real Blender)", .serialized, .requires(.slurm, .blender, .ffmpeg))
struct SlurmJobGraphTests {
    /// A recipe submitting `a`, then `b` after `a`, waiting for both; prints the states and b's reason.
    func run(_ out: String, aOptions: String = "") throws -> (CLIRunner.Result, [String]) {
        let script = out + "/graph.lua"
        let common = "file='\(Binary.demo)', backend='slurm', frames='1-2', percent=10, samples=1"
        try """
            local render = require "render"
            local a = assert(render.submit{\(common), out='\(out)/a'\(aOptions)})
            local b = assert(render.submit{\(common), out='\(out)/b', after=a})
            local reports, all = render.wait_all({a, b})
            print(a.id, b.backend, reports[1].state, reports[2].state, tostring(all))
            print(reports[2].reason or '')
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", "--trust", script])
        return (r, r.stdout.split(separator: "\n").map(String.init))
    }

    @Test("b after a: Slurm starts b's tasks only once a's stitch is done; both render every frame")
    func afterSucceeded() throws {
        let out = Binary.folder("slurm-graph")
        let (r, lines) = try run(out)
        #expect(r.status == 0, "\(r.stderr)")
        let words = (lines.first ?? "").split(separator: "\t").map(String.init)
        #expect(Array(words.dropFirst()) == ["slurm", "succeeded", "succeeded", "true"], "\(r.stdout)")
        try MediaCheck.expectRendered(out + "/a", frames: 1...2)
        try MediaCheck.expectRendered(out + "/b", frames: 1...2)
        #expect(SlurmCluster.record(out + "/b")?["after"] as? [String] == [words.first ?? "?"])
        let aVideo = try #require(try FileManager.default.attributesOfItem(atPath: out + "/a/demo.mp4")[.modificationDate] as? Date)
        for (frame, date) in SlurmCluster.modificationDates(out + "/b") { #expect(date >= aVideo, "b's \(frame) was rendered before a ended") }
    }

    @Test("when a fails, Slurm cancels b (kill-on-invalid-dep) and b's report says it was skipped because of a")
    func afterFailed() throws {
        let out = Binary.folder("slurm-graph-failed")
        let (r, lines) = try run(out, aOptions: ", blender='/nonexistent/blender'")
        #expect(r.status == 0, "\(r.stderr)")
        let words = (lines.first ?? "").split(separator: "\t").map(String.init)
        #expect(Array(words.dropFirst()) == ["slurm", "failed", "cancelled", "false"], "\(r.stdout)")
        #expect(lines.dropFirst().first == "skipped: a job it comes after (\(words.first ?? "?")) did not succeed", "\(r.stdout)")
        #expect(Binary.frames(out + "/b").isEmpty)
    }
}

/// Following a job on a scheduler from Lua: Ctrl-C stops following, never the job.
@Suite("Slurm: Ctrl-C in job:wait{on=} (real cluster)", .serialized, .requires(.slurm))
struct SlurmWaitInterruptTests {
    @Test("Ctrl-C during job:wait{on=...} of a Slurm job stops following (exit 130); the job stays queued on the cluster")
    func interruptFollowing() async throws {
        let out = Binary.folder("slurm-wait-interrupt")
        // Hold the queue so the job is still waiting when Ctrl-C comes.
        try SlurmCluster.tool("scontrol", ["update", "PartitionName=render", "State=DOWN"])
        defer { _ = try? SlurmCluster.tool("scontrol", ["update", "PartitionName=render", "State=UP"]) }
        let script = out + "/wait.lua"
        try """
            local render = require "render"
            local job = assert(render.submit{file='\(Binary.demo)', backend='slurm', frames='1-2', percent=10, samples=1, out='\(out)/a'})
            io.open('\(out)/waiting', 'w'):close()
            job:wait{on = {frame = function() end}}
            print('not reached')
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let process = try Binary.start(["run", "--trust", script], mark: UUID().uuidString)
        #expect(try await Binary.waitFor(seconds: 60) { FileManager.default.fileExists(atPath: out + "/waiting") })
        kill(process.processIdentifier, SIGINT)
        #expect(try await exitsOnItsOwn(process, within: 30))
        #expect(process.terminationStatus == 130)

        let id = try #require(SlurmCluster.jobID(out + "/a"))
        let status = try Binary.json(try CLIRunner.run(["status", id, "--json"]).stdout)
        #expect(status["state"] as? String == "queued", "\(status)")
        #expect(try CLIRunner.run(["cancel", id]).status == 0)
    }
}

/// `render a.blend b.blend --backend slurm`: every job goes to the cluster before any is followed.
@Suite("Slurm: several files in one command (real cluster, real Blender)", .requires(.slurm, .blender, .ffmpeg))
struct SlurmSeveralFilesTests {
    @Test("two files are submitted together (the second before the first ended), then followed; each renders into DIR/<name>")
    func twoFiles() throws {
        let out = Binary.folder("slurm-files")
        let second = out + "/shot2.blend"
        try FileManager.default.copyItem(atPath: Binary.demo, toPath: second)
        let r = try CLIRunner.run(["render", Binary.demo, second, "--backend", "slurm", "--frames", "1-2", "--percent", "10",
                                   "--samples", "1", "--out", out, "--wait"])
        #expect(r.status == 0, "\(r.stderr)")
        try MediaCheck.expectRendered(out + "/demo", frames: 1...2)
        try MediaCheck.expectRendered(out + "/shot2", frames: 1...2, video: "shot2.mp4", prefix: "shot2_")
        let firstEnded = try #require(try FileManager.default.attributesOfItem(atPath: out + "/demo/demo.mp4")[.modificationDate] as? Date)
        let secondSubmitted = try #require((SlurmCluster.record(out + "/shot2")?["submittedAt"] as? String)
            .flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(secondSubmitted <= firstEnded)
    }
}

/// The test cluster, looked at with Slurm's own tools and FFmpeg, not with blendbatch.
enum SlurmCluster {
    @discardableResult
    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let r = try CLIRunner.runTool("/usr/bin/env", [name] + arguments)
        guard r.status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(name): \(r.stderr)"]) }
        return r.stdout
    }

    struct TaskState { var array: Int; var task: Int?; var state: String; var restarts: Int }

    static func states() -> [TaskState] {
        guard let text = try? tool("squeue", ["--json", "--states=all"]),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let jobs = object["jobs"] as? [[String: Any]] else { return [] }
        return jobs.map { job in
            let id = job["job_id"] as? Int ?? 0
            let array = (job["array_job_id"] as? Int).flatMap { $0 == 0 ? nil : $0 } ?? id
            return TaskState(array: array, task: job["array_task_id"] as? Int, state: job["job_state"] as? String ?? "",
                             restarts: job["restart_cnt"] as? Int ?? 0)
        }
    }

    /// `ARRAY_TASK`'s state.
    static func state(_ task: String) -> TaskState? {
        let parts = task.split(separator: "_").compactMap { Int($0) }
        return states().first { $0.array == parts[0] && $0.task == parts[1] }
    }

    static func record(_ out: String) -> [String: Any]? {
        guard let id = jobID(out),
              let data = FileManager.default.contents(atPath: "\(out)/.blendbatch/jobs/\(id)/slurm.json") else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func jobID(_ out: String) -> String? {
        (try? FileManager.default.contentsOfDirectory(atPath: out + "/.blendbatch/jobs"))?.sorted().last
    }

    static func arrayID(_ out: String) -> String? {
        ((record(out)?["arrays"] as? [[String: Any]])?.first?["jobID"]) as? String
    }

    /// Poll `blendbatch status JOB --json` until the job ends; its final state.
    static func waitForEnd(_ id: String, seconds: Double) async throws -> String? {
        var state: String?
        _ = try await Binary.waitFor(seconds: seconds) {
            state = (try? Binary.json(try CLIRunner.run(["status", id, "--json"]).stdout))?["state"] as? String
            return ["succeeded", "failed", "cancelled"].contains(state ?? "")
        }
        return state
    }

    static func modificationDates(_ out: String) -> [String: Date] {
        var dates: [String: Date] = [:]
        for name in Binary.frames(out) {
            dates[name] = (try? FileManager.default.attributesOfItem(atPath: "\(out)/frames/\(name)"))?[.modificationDate] as? Date
        }
        return dates
    }
}
