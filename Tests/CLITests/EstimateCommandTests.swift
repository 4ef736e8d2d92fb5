import Foundation
import Testing

/// `blendbatch estimate` with real Blender on the tiny demo: sampling, reuse by the render, --from,
/// and price-table mistakes.
@Suite("blendbatch estimate (binary, real Blender)", .serialized)
struct EstimateCommandTests {
    func stderrOf(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments) }

    @Test("sample frames are rendered, priced per instance type, kept, and skipped by the render; --from reads the finished job")
    func sampleThenRender() throws {
        let out = Binary.folder("estimate")
        let common = [Binary.demo, "--frames", "1-6", "--out", out, "--no-video"] + Binary.tiny
        let r = try CLIRunner.run(["estimate"] + common + ["--sample", "2", "--no-refresh", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let estimate = try Binary.json(r.stdout)
        #expect(estimate["frames"] as? Int == 6)
        #expect(estimate["basis"] as? String == "sampled")
        #expect((estimate["samples"] as? [[String: Any]])?.compactMap { $0["frame"] as? Int } == [2, 5])
        let wall = try #require((estimate["here"] as? [String: Any])?["wall_seconds"] as? [String: Double])
        let (median, p10, p90) = (try #require(wall["median"]), try #require(wall["p10"]), try #require(wall["p90"]))
        #expect(median > 0 && p10 <= median && median <= p90)
        let instances = try #require(estimate["instances"] as? [[String: Any]])
        #expect(instances.compactMap { $0["instance_type"] as? String } == ["c7i.4xlarge", "c6i.4xlarge", "g5.xlarge"])
        for instance in instances {
            let spot = try #require(instance["spot_usd"] as? Double), onDemand = try #require(instance["on_demand_usd"] as? Double)
            #expect(spot > 0 && spot < onDemand && (instance["wall_seconds"] as? Double ?? 0) > 0)
        }
        // The samples and the warm-up frame before them stay in the output.
        #expect(Binary.frames(out) == ["demo_0001.png", "demo_0002.png", "demo_0005.png"])

        let render = try CLIRunner.run(["render"] + common + ["--json"])
        #expect(render.status == 0, "\(render.stderr)")
        let report = try Binary.json(render.stdout)
        #expect(report["framesRendered"] as? Int == 3)
        #expect(Binary.frames(out).count == 6)

        let jobs = out + "/.blendbatch/jobs"
        let job = try #require(try FileManager.default.contentsOfDirectory(atPath: jobs).sorted().last { !$0.contains("probe") })
        let from = try CLIRunner.run(["estimate"] + common + ["--from", jobs + "/" + job, "--no-refresh", "--json",
                                                              "--instance-type", "c5.xlarge"])
        #expect(from.status == 0, "\(from.stderr)")
        let measured = try Binary.json(from.stdout)
        #expect(measured["basis"] as? String == "job \(jobs)/\(job)")
        #expect((measured["samples"] as? [[String: Any]])?.map { $0["frame"] as? Int } == [3, 4, 6])
        #expect((measured["instances"] as? [[String: Any]])?.compactMap { $0["instance_type"] as? String } == ["c5.xlarge"])
        #expect(Binary.frames(out).count == 6)
    }

    @Test("the text form names the figures, the price table's date and that the samples are kept")
    func text() throws {
        let out = Binary.folder("estimate-text")
        let r = try CLIRunner.run(["estimate", Binary.demo, "--frames", "1-4", "--out", out, "--sample", "1", "--no-refresh",
                                   "--instance-type", "g5.xlarge", "--speed", "g5.xlarge=1"] + Binary.tiny)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("4 frames"))
        #expect(r.stdout.contains("core-hours"))
        #expect(r.stdout.contains("g5.xlarge"))
        #expect(r.stdout.contains("prices: us-east-1, 20"))
        #expect(r.stdout.contains("a render with the same settings skips them"))
    }

    @Test("price-table mistakes and bad options: one line each, a distinct exit code, nothing rendered", arguments: [
        (["--prices", "/nonexistent/prices.json"], Int32(66), "--prices /nonexistent/prices.json: no such file"),
        (["--prices", "BAD"], Int32(65), "not a price table"),
        (["--instance-type", "x9.nothing"], Int32(64), "instance type x9.nothing: not in the price table"),
        (["--speed", "g5.xlarge"], Int32(64), "--speed g5.xlarge: give TYPE=F"),
        (["--sample", "0"], Int32(64), "sample 0: give at least 1 frame"),
        (["--from", "/nonexistent/job"], Int32(66), "--from /nonexistent/job: no job"),
    ])
    func mistakes(_ extra: [String], _ code: Int32, _ says: String) throws {
        let out = Binary.folder("estimate-bad")
        let bad = out + "/bad.json"
        try "{\"date\": 1}".write(toFile: bad, atomically: true, encoding: .utf8)
        let arguments = extra.map { $0 == "BAD" ? bad : $0 }
        let r = try CLIRunner.run(["estimate", Binary.demo, "--frames", "1-4", "--out", out, "--no-refresh"] + arguments + Binary.tiny)
        #expect(r.status == code, "\(r.stderr)")
        #expect(r.stderr.contains(says), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(Binary.frames(out).isEmpty)
    }

    @Test("Lua cost.estimate{} gives what estimate --json prints, for the types asked")
    func lua() throws {
        let out = Binary.folder("estimate-lua")
        let script = out + "/estimate.lua"
        try """
            local cost = require "cost"
            local e = assert(cost.estimate{file = '\(Binary.demo)', frames = '1-4', percent = 20, samples = 2, workers = 2,
                                           out = '\(out)', sample = 1, refresh = false, instance_types = {'c5.xlarge'},
                                           speed = {['c5.xlarge'] = 2}})
            print(e.frames, #e.samples, e.here.wall_seconds.median > 0, e.instances[1].instance_type, e.instances[1].speed)
            local bad, err, code = cost.estimate{file = '\(Binary.demo)', out = '\(out)', instance_types = {'x9.nothing'}}
            print(bad, code)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", "--trust", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "4\t1\ttrue\tc5.xlarge\t2\nnil\tusage\n")
    }
}
