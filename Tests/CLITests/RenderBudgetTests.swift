import AWSCore
import Executors
import Foundation
import ObjectStore
import Testing

/// Budgets end to end with real Blender: `render --max-time` refused and stopping, `--max-cost` on
/// AWS (moto) refused and recorded.
@Suite("render budgets (binary, real Blender)", .serialized)
struct RenderBudgetTests {
    @Test("--max-time under the estimate's p90 is refused with exit 64 and the figures; no video, no job started")
    func maxTimeRefused() throws {
        let out = Binary.folder("max-time")
        let r = try CLIRunner.run(["render", Binary.demo, "--frames", "1-6", "--out", out, "--max-time", "1s"] + Binary.tiny)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("is over --max-time 1 s; not submitted"), "\(r.stderr)")
        #expect(r.stderr.contains("p10–p90"))
        #expect(!FileManager.default.fileExists(atPath: out + "/demo.mp4"))
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: out + "/.blendbatch/jobs")) ?? []
        #expect(jobs.allSatisfy { $0.contains("probe") }, "\(jobs)")
    }

    @Test("--max-time within the estimate: the job runs, reuses the samples, and cost.json keeps the estimate and the limit")
    func maxTimeWithin() throws {
        let out = Binary.folder("max-time-ok")
        let render = try CLIRunner.run(["render", Binary.demo, "--frames", "1-6", "--out", out, "--max-time", "1h", "--no-video",
                                        "--json"] + Binary.tiny)
        #expect(render.status == 0, "\(render.stderr)")
        let report = try Binary.json(render.stdout)
        #expect(report["framesDone"] as? Int == 6)
        #expect((report["framesRendered"] as? Int ?? 6) < 6)
        let jobs = out + "/.blendbatch/jobs"
        let job = try #require(try FileManager.default.contentsOfDirectory(atPath: jobs).sorted().last { !$0.contains("probe") })
        let cost = try Binary.json(String(contentsOfFile: "\(jobs)/\(job)/cost.json", encoding: .utf8))
        #expect((cost["budget"] as? [String: Any])?["max_time_seconds"] as? Double == 3600)
        #expect((cost["budget"] as? [String: Any])?["stopped"] as? Bool == false)
        #expect((((cost["estimate"] as? [String: Any])?["here"] as? [String: Any])?["wall_seconds"] as? [String: Any])?["p90"] != nil)
    }

    @Test("--max-cost on this machine is a usage error naming --max-time")
    func maxCostLocal() throws {
        let r = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--out", Binary.folder("max-cost"), "--max-cost", "5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--max-cost prices AWS instances") && r.stderr.contains("--max-time"))
    }

    @Test("a job that reaches max_time starts no new task: the running one finishes, exit 75, cost.json says stopped")
    func maxTimeStops() throws {
        let out = Binary.folder("max-time-stop")
        let script = out + "/stop.lua"
        try """
            local render, batch = require "render", require "batch"
            local m = assert(render.plan{file = \(luaString(Binary.demo)), frames = '1-8', chunk = 1, workers = 1, percent = 20,
                                         samples = 2, out = \(luaString(out)), video = false})
            local job = assert(batch.submit(m, {workers = 1, max_time = 0.5}))
            local report = job:wait()
            print(report.exit_code, report.framesDone, job.folder)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", "--trust", script])
        #expect(r.status == 0, "\(r.stderr)")
        let fields = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").map(String.init)
        try #require(fields.count == 3, "\(r.stdout)")
        #expect(fields[0] == "75")
        let done = Int(fields[1]) ?? -1
        #expect(done >= 1 && done < 8, "frames done: \(done)")
        #expect(Binary.frames(out).count == done)
        let cost = try Binary.json(String(contentsOfFile: fields[2] + "/cost.json", encoding: .utf8))
        let budget = try #require(cost["budget"] as? [String: Any])
        #expect(budget["stopped"] as? Bool == true)
        #expect(budget["max_time_seconds"] as? Double == 0.5)
        #expect((budget["reason"] as? String)?.contains("--max-time") == true)
    }

    @Test("--backend aws --max-cost: over the estimate it is refused before anything is submitted; within it, cost.json goes beside the manifest", .requires(.moto))
    func maxCostAWS() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let out = "s3://\(target.bucket)/jobs/demo"
        let base = ["render", Binary.demo, "--backend", "aws", "--queue", target.fleet.queueName, "--job-definition", target.definition,
                    "--out", out, "--frames", "1-4", "--percent", "20", "--samples", "1", "--sample", "1", "--no-refresh",
                    "--instance-type", "c5.xlarge"]
        let refused = try runAWSCLI(base + ["--max-cost", "0.000001"])
        #expect(refused.code == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("estimated cost on c5.xlarge (Spot)") && refused.stderr.contains("is over --max-cost"))
        let store = StoreFactory.open(try StoreLocation(parsing: out), client: client)
        #expect(try await store.listAll(prefix: ".blendbatch/jobs/").allSatisfy { !$0.key.hasSuffix("aws.json") })

        let within = try runAWSCLI(base + ["--max-cost", "100"])
        #expect(within.code == 0, "\(within.stderr)")
        let id = within.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let cost = try Binary.json(String(decoding: try await store.read(key: ".blendbatch/jobs/\(id)/cost.json"), as: UTF8.self))
        #expect((cost["budget"] as? [String: Any])?["max_cost_usd"] as? Double == 100)
        let estimate = try #require(cost["estimate"] as? [String: Any])
        #expect((estimate["instances"] as? [[String: Any]])?.first?["instance_type"] as? String == "c5.xlarge")
    }

    func luaString(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "\\'") + "'" }
}
