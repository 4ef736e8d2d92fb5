import AWSCore
import Foundation
import ObjectStore
import Testing

/// `blendbatch render … --out s3://…` with the local backend, against moto: the workers render here
/// and every frame goes to S3; the job folder stays in the state directory.
@Suite("render --out s3:// (local backend, moto, real Blender)", .serialized, .requires(.blender, .ffmpeg, .moto))
struct RenderToS3Tests {
    let client = motoClient()
    /// Each test's own state directories (job folders, registry) and moto credentials.
    let state = Binary.folder("s3-state")

    var environment: [String: String] {
        [
            "BLENDBATCH_STATE_DIR": state + "/jobs", "XDG_STATE_HOME": state + "/xdg", "HOME": state + "/home",
            "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": motoURL ?? "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "2",
        ]
    }

    func bucket() async throws -> String {
        let name = uniqueName("s3out")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: name))
        return name
    }

    @Test("4 frames in 2 tasks go to S3 with the MP4, GIF and contact sheet; the job folder is in the state dir; status (by id and latest) finds it; resume renders only deleted frames, and stops at once when S3 is unreachable", .requires(.moto))
    func renderThenResume() async throws {
        let output = "s3://\(try await bucket())/jobs/x"
        let rendered = try CLIRunner.run(["render", Binary.demo, "--frames", "1-4", "--chunk", "2", "--out", output, "--json"] + Binary.tiny,
                                         environment: environment)
        #expect(rendered.status == 0, "render exited \(rendered.status): \(rendered.stderr.suffix(1500))")
        let report = try Binary.json(rendered.stdout)
        let id = try #require(report["id"] as? String)
        #expect(report["framesRendered"] as? Int == 4 && report["framesDone"] as? Int == 4)
        #expect(report["video"] as? String == output + "/demo.mp4")

        // The store holds the frames and the stitch's outputs; nothing else is written beside them.
        let store = StoreFactory.open(try StoreLocation(parsing: output), client: client)
        let objects = try await store.listAll(prefix: "")
        // Besides the frames, each one's settings marker (an empty object) in .blendbatch/fingerprints/.
        let markers = objects.map(\.key).filter { $0.hasPrefix(".blendbatch/fingerprints/") }
        #expect(markers.count == 4 && objects.filter { markers.contains($0.key) }.allSatisfy { $0.size == 0 })
        // And each task attempt's frame metrics, beside the frames.
        let metrics = objects.map(\.key).filter { $0.hasPrefix(".blendbatch/jobs/\(id)/metrics/") }
        #expect(metrics.sorted() == [".blendbatch/jobs/\(id)/metrics/task-0.1.jsonl", ".blendbatch/jobs/\(id)/metrics/task-1.1.jsonl"])
        let keys = Set(objects.map(\.key)).subtracting(markers).subtracting(metrics)
        let frames = (1...4).map { String(format: "frames/demo_%04d.png", $0) }
        #expect(keys == Set(frames + ["demo.mp4", "demo.gif", "contact_sheet.png", "demo.report.html"]), "\(keys.sorted())")
        let page = String(decoding: try await store.read(key: "demo.report.html"), as: UTF8.self)
        #expect(page.components(separatedBy: "<rect data-frame=").count == 5 && page.contains(#"<img src="demo.gif""#))
        let video = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("s3out")).mp4")
        defer { try? FileManager.default.removeItem(at: video) }
        try await store.get(key: "demo.mp4", to: video)
        #expect(try MediaCheck.videoFrames(video.path) == 4)

        // The job's folder is on this machine, in the state directory; status finds it by id.
        #expect(FileManager.default.fileExists(atPath: "\(state)/jobs/\(id)/journal.jsonl"))
        #expect(!keys.contains { $0.hasPrefix(".blendbatch") })
        #expect(FileManager.default.fileExists(atPath: "\(state)/jobs/\(id)/report.html"))
        let status = try CLIRunner.run(["status", id, "--json"], environment: environment)
        #expect(status.status == 0, "\(status.stderr)")
        let counted = try Binary.json(status.stdout)
        #expect(counted["framesDone"] as? Int == 4 && counted["framesTotal"] as? Int == 4 && counted["state"] as? String == "succeeded")
        let latest = try CLIRunner.run(["status", "--json"], environment: environment)
        #expect(latest.status == 0 && (try? Binary.json(latest.stdout)["id"] as? String) == id, "\(latest.stdout) \(latest.stderr)")

        // Two frames deleted from S3: resume renders those two; the others stay untouched.
        let before = Dictionary(uniqueKeysWithValues: objects.map { ($0.key, $0) })
        for key in [frames[1], frames[2]] { try await store.delete(key: key) }
        let resumed = try CLIRunner.run(["resume", id, "--json", "--workers", "2"], environment: environment)
        #expect(resumed.status == 0, "resume exited \(resumed.status): \(resumed.stderr.suffix(1500))")
        #expect(try Binary.json(resumed.stdout)["framesRendered"] as? Int == 2)
        let after = Dictionary(uniqueKeysWithValues: try await store.listAll(prefix: "frames/").map { ($0.key, $0) })
        #expect(Set(after.keys) == Set(frames))
        for key in [frames[0], frames[3]] {
            #expect(after[key]?.etag == before[key]?.etag && after[key]?.lastModified == before[key]?.lastModified, "\(key) was rewritten")
        }

        // render --resume with the same settings finds the job by its output: nothing left to render.
        let again = try CLIRunner.run(["render", Binary.demo, "--frames", "1-4", "--chunk", "2", "--out", output, "--resume", "--json"]
                                      + Binary.tiny, environment: environment)
        #expect(again.status == 0, "\(again.stderr.suffix(1500))")
        #expect(again.stderr.contains("resuming job \(id)"), "\(again.stderr.suffix(800))")
        #expect(try Binary.json(again.stdout)["framesRendered"] as? Int == 0)

        // A store that cannot be reached: resume stops before touching the job (exit 76, journal as it was).
        let journal = try String(contentsOfFile: "\(state)/jobs/\(id)/journal.jsonl", encoding: .utf8)
        let unreachable = try CLIRunner.run(["resume", id], environment: environment.merging(["AWS_ENDPOINT_URL": "http://127.0.0.1:1"]) { $1 })
        #expect(unreachable.status == 76 && unreachable.stderr.contains(output), "\(unreachable.status): \(unreachable.stderr)")
        #expect(try String(contentsOfFile: "\(state)/jobs/\(id)/journal.jsonl", encoding: .utf8) == journal)
    }

    @Test("an unknown bucket: exit 76, one line naming the URL and NoSuchBucket, no job folder, no task started", .requires(.moto))
    func unknownBucket() async throws {
        let output = "s3://\(uniqueName("missing"))/jobs/x"
        let mark = uniqueName("s3out-mark")
        let result = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--out", output] + Binary.tiny,
                                       environment: environment.merging(["BB_TEST_MARK": mark]) { $1 })
        #expect(result.status == 76, "exited \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(output) && lines[0].contains("NoSuchBucket"), "\(result.stderr)")
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: state + "/jobs")) ?? []
        #expect(jobs.isEmpty, "left job folders: \(jobs)")
        #expect(Binary.marked(mark).isEmpty)
    }
}
