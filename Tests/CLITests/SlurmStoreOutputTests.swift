import Foundation
import ObjectStore
import Testing

/// `render --backend slurm --out s3://…` on the one-node cluster with moto as the store: the tasks
/// upload every frame, the stitch the video; the job folder lives in the state directory (which the
/// node sees), and AWS settings reach the tasks by environment only.
@Suite("Slurm: s3:// outputs (real cluster, moto, real Blender)", .serialized, .requires(.slurm, .blender, .ffmpeg, .moto))
struct SlurmStoreOutputTests {
    let client = motoClient()
    let state = Binary.folder("slurm-s3-state")
    /// Distinctive secrets: they must not appear in any file blendbatch writes.
    let secret = uniqueName("secret-key")
    let token = uniqueName("session-token")

    var environment: [String: String] {
        [
            "BLENDBATCH_STATE_DIR": state + "/jobs", "XDG_STATE_HOME": state + "/xdg",
            "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": motoURL ?? "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "2",
        ]
    }

    @Test("frames and the MP4 go to the bucket from the cluster's tasks; status, report, cancel and resume from other processes find the job in the state dir; no secret in the job folder")
    func rendersIntoTheStore() async throws {
        let bucket = try await makeBucket(client, prefix: "slurm-s3")
        let output = "s3://\(bucket)/jobs/shot"
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-4", "--chunk", "2", "--percent", "10",
                                   "--samples", "1", "--out", output, "--wait"], environment: environment)
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require((try? FileManager.default.contentsOfDirectory(atPath: state + "/jobs"))?.first, "no job folder in \(state)/jobs")
        let folder = "\(state)/jobs/\(id)"

        // What the bucket holds, looked at through moto and checked by FFmpeg.
        let store = StoreFactory.open(try StoreLocation(parsing: output), client: client)
        let keys = Set(try await store.listAll(prefix: "").map(\.key))
        let frames = MediaCheck.names(1...4).map { "frames/" + $0 }
        #expect(keys.isSuperset(of: frames + ["demo.mp4", "demo.gif", "contact_sheet.png"]), "\(keys.sorted())")
        let local = Binary.folder("slurm-s3-download")
        try FileManager.default.createDirectory(atPath: local + "/frames", withIntermediateDirectories: true)
        for key in frames + ["demo.mp4"] { try await store.get(key: key, to: URL(fileURLWithPath: local + "/" + key)) }
        try MediaCheck.expectRendered(local, frames: 1...4)

        // Another process finds the job by its id alone.
        let status = try CLIRunner.run(["status", id, "--json"], environment: environment)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try Binary.json(status.stdout)
        #expect(json["state"] as? String == "succeeded" && json["backend"] as? String == "slurm" && json["framesDone"] as? Int == 4,
                "\(status.stdout)")
        #expect(json["video"] as? String == output + "/demo.mp4", "\(status.stdout)")

        // The tasks recorded their attempts; the report reads them and the frames' metrics from the bucket.
        let report = try Binary.json(try CLIRunner.run(["report", id, "--json"], environment: environment).stdout)
        let attempts = try #require(report["attempts"] as? [[String: Any]])
        #expect(attempts.map { "\($0["stage"] ?? "")-\($0["task"] ?? "")/\($0["outcome"] ?? "")" }.sorted()
                == ["render-0/succeeded", "render-1/succeeded", "stitch-0/succeeded"], "\(attempts)")
        #expect((report["frames"] as? [Any])?.count == 4)

        // cancel and resume find it too: resume submits it again and the tasks render only the frames deleted from the bucket.
        let before = Dictionary(uniqueKeysWithValues: try await store.listAll(prefix: "frames/").map { ($0.key, $0) })
        for key in [frames[1], frames[2]] { try await store.delete(key: key) }
        let cancelled = try CLIRunner.run(["cancel", id, "--json"], environment: environment)
        #expect(cancelled.status == 0 && (try? Binary.json(cancelled.stdout))?["state"] as? String == "cancelled", "\(cancelled.stdout) \(cancelled.stderr)")
        let resumed = try CLIRunner.run(["resume", id, "--wait", "--json"], environment: environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect((try? Binary.json(resumed.stdout))?["state"] as? String == "succeeded", "\(resumed.stdout)")
        let after = Dictionary(uniqueKeysWithValues: try await store.listAll(prefix: "frames/").map { ($0.key, $0) })
        #expect(Set(after.keys) == Set(frames))
        for key in [frames[0], frames[3]] {
            #expect(after[key]?.etag == before[key]?.etag && after[key]?.lastModified == before[key]?.lastModified, "\(key) was rewritten")
        }

        // AWS settings went by environment: none in the record, the scripts, the logs or any other file of the job.
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/slurm.json"))) as? [String: Any])
        let recorded = record["environment"] as? [String: String] ?? [:]
        #expect(recorded["AWS_SECRET_ACCESS_KEY"] == nil && recorded["AWS_SESSION_TOKEN"] == nil, "\(recorded)")
        let files = filesBelow(state)
        #expect(files.contains("jobs/\(id)/slurm/render.sh") && files.contains { $0.hasPrefix("jobs/\(id)/logs/slurm-render-") }, "\(files)")
        for file in files {
            let text = String(decoding: FileManager.default.contents(atPath: state + "/" + file) ?? Data(), as: UTF8.self)
            #expect(!text.contains(secret) && !text.contains(token), "a secret is written in \(file)")
        }
    }

    @Test("an unknown bucket is refused before anything is submitted: one line naming it and NoSuchBucket, exit 76, no job folder")
    func unknownBucket() throws {
        let output = "s3://\(uniqueName("slurm-missing"))/jobs/x"
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-2", "--out", output], environment: environment)
        #expect(r.status == 76, "\(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(output) && lines[0].contains("NoSuchBucket"), "\(r.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: state + "/jobs")) ?? []).isEmpty)
    }
}

/// `--time`: Slurm's formats pass through, a bad one is refused before anything runs, and `auto`
/// sizes the limit from sample frames rendered here.
@Suite("Slurm: task time limits (real cluster, real Blender)", .serialized, .requires(.slurm, .blender, .ffmpeg))
struct SlurmTimeLimitCLITests {
    @Test("--time soon: one line naming the formats, exit 64, nothing planned or submitted")
    func badTime() throws {
        let out = Binary.folder("slurm-bad-time")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-2", "--out", out, "--time", "soon"])
        #expect(r.status == 64, "\(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("'soon'") && lines[0].contains("auto"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/.blendbatch"))
    }

    @Test("--time auto: sample frames rendered here (kept, not rendered again by the tasks) set every task's limit, said in one line")
    func autoTime() async throws {
        let out = Binary.folder("slurm-auto-time")
        let r = try CLIRunner.run(["render", Binary.demo, "--backend", "slurm", "--frames", "1-6", "--chunk", "3", "--percent", "10",
                                   "--samples", "1", "--out", out, "--time", "auto", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let record = try Binary.json(r.stdout)
        let id = try #require(record["id"] as? String)
        let line = try #require(r.stderr.split(separator: "\n").first { $0.contains("time limit") }, "\(r.stderr)")
        let minutes = try #require(Int(line.split(separator: " ").drop { $0 != "limit" }.dropFirst().first ?? ""), "\(line)")
        #expect(minutes >= 5 && line.contains("(time auto: largest task 3 frame(s) × ") && line.contains("p90 of "), "\(line)")
        #expect((record["placement"] as? [String: Any])?["time"] as? String == String(minutes))
        // Slurm itself holds the arrays to that limit.
        let array = try #require((record["arrays"] as? [[String: Any]])?.first?["jobID"] as? String)
        #expect(try SlurmCluster.tool("squeue", ["-h", "-j", array, "-o", "%l"]).split(separator: "\n").allSatisfy {
            $0.trimmingCharacters(in: .whitespaces) == String(format: "%d:%02d", minutes, 0)
        })

        // The sampled frames were stored before the job was submitted, and the tasks left them alone.
        let sampled = try #require(r.stderr.split(separator: "\n").first { $0.contains("rendering sample frame(s)") }, "\(r.stderr)")
        let frames = sampled.split(separator: "sample frame(s) ").last?.split(separator: " of ").first?
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? []
        #expect(!frames.isEmpty)
        let before = SlurmCluster.modificationDates(out)
        #expect(try await SlurmCluster.waitForEnd(id, seconds: 300) == "succeeded")
        try MediaCheck.expectRendered(out, frames: 1...6)
        let after = SlurmCluster.modificationDates(out)
        // Every task attempt started (its own record says when) after the samples were stored.
        let attempts = "\(out)/.blendbatch/jobs/\(id)/slurm/attempts"
        let starts = try FileManager.default.contentsOfDirectory(atPath: attempts).filter { $0.hasPrefix("render-") }
            .compactMap { try Binary.json(String(contentsOfFile: attempts + "/" + $0, encoding: .utf8))["started"] as? Double }
        let firstTask = try #require(starts.min().map { Date(timeIntervalSince1970: $0) })
        for frame in frames {
            let name = MediaCheck.names([frame])[0]
            #expect(before[name].map { $0 < firstTask } == true, "sample \(frame) stored at \(String(describing: before[name])), tasks from \(firstTask)")
            #expect(after[name] == before[name], "sample \(frame) was rendered again")
        }
        let cost = try Binary.json(String(contentsOfFile: "\(out)/.blendbatch/jobs/\(id)/cost.json", encoding: .utf8))
        #expect((cost["estimate"] as? [String: Any])?["basis"] as? String == "sampled")
    }

    @Test("Lua: time='soon' is a usage error; time='auto' submits with the limit it computed")
    func luaTime() throws {
        let out = Binary.folder("slurm-lua-time")
        let script = out + "/time.lua"
        let common = "file='\(Binary.demo)', backend='slurm', frames='1-2', percent=10, samples=1"
        try """
            local render = require "render"
            local bad, err, code = render.submit{\(common), out='\(out)/bad', time='soon'}
            print(tostring(bad), code, err)
            local job = assert(render.submit{\(common), out='\(out)/auto', time='auto'})
            print(job.id, job:wait().state)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", "--trust", script])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.first?.prefix(2) == ["nil", "usage"] && lines.first?.last?.contains("'soon'") == true, "\(r.stdout)")
        #expect(lines.dropFirst().first?.last == "succeeded", "\(r.stdout)\n\(r.stderr)")
        // The probe of the samples has a job folder there too: the job is the one Lua named.
        let id = lines.dropFirst().first?.first ?? "?"
        let record = try Binary.json(String(contentsOfFile: "\(out)/auto/.blendbatch/jobs/\(id)/slurm.json", encoding: .utf8))
        let time = (record["placement"] as? [String: Any])?["time"] as? String
        #expect(time.flatMap(Int.init).map { $0 >= 5 } == true && r.stderr.contains("time limit \(time ?? "?") min a task"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/bad/.blendbatch"))
    }
}
