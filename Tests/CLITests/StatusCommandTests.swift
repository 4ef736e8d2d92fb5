import Foundation
import Testing

/// `status`, `resume` and `cancel` through the built binary, on a job folder made here, with
/// `Tests/Fixtures/standin-worker.py` as the task command (BLENDBATCH_WORKER): these tests are
/// about the commands' wiring; real renders are in Binary.
@Suite("blendbatch status/resume/cancel (binary) WithStandInWorker", .serialized)
struct StatusCommandTests {
    static let standIn = Binary.repo + "/Tests/Fixtures/standin-worker.py"

    /// A job folder with a manifest and no journal (as if its controller died before starting a task).
    static func job(frames: [Int]) throws -> (out: String, id: String, folder: String) {
        let out = Binary.folder("status")
        let id = "cli-\(UUID().uuidString.prefix(8).lowercased())"
        let folder = "\(out)/.blendbatch/jobs/\(id)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let manifest: [String: Any] = [
            "version": 1, "id": id, "createdAt": "2026-11-25T18:00:00Z", "input": "demo.blend",
            "overrides": ["denoise": false],
            "chunks": frames.enumerated().map { ["index": $0.offset, "frames": [$0.element]] },
            "output": ["location": out, "name": "demo", "format": "PNG", "padding": 4],
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: folder + "/manifest.json"))
        return (out, id, folder)
    }

    @Test("status reads a job folder; resume finishes it; status by id under --out says succeeded")
    func statusResume() throws {
        let (out, id, folder) = try Self.job(frames: [1, 2, 3])
        let env = ["BLENDBATCH_WORKER": Self.standIn, "STANDIN_FRAME_SECONDS": "0.05"]
        let before = try CLIRunner.run(["status", folder, "--json"])
        #expect(before.status == 0)
        #expect(try Binary.json(before.stdout)["state"] as? String == "queued")
        let resumed = try CLIRunner.run(["resume", folder, "--json", "--workers", "2"], environment: env)
        #expect(resumed.status == 0)
        let report = try Binary.json(resumed.stdout)
        #expect(report["state"] as? String == "succeeded" && report["framesDone"] as? Int == 3)
        let after = try CLIRunner.run(["status", id, "--out", out])
        #expect(after.status == 0)
        #expect(after.stdout.contains("job \(id): succeeded") && after.stdout.contains("frames: 3/3"))
        #expect(try CLIRunner.run(["resume", folder], environment: env).status == 0)   // nothing left to do is not an error
    }

    @Test("a task that fails with bad input makes resume exit 65 with the reason")
    func badInput() throws {
        let (_, _, folder) = try Self.job(frames: [1, 2])
        let resumed = try CLIRunner.run(["resume", folder], environment: ["BLENDBATCH_WORKER": Self.standIn, "STANDIN_BAD_INPUT": "1"])
        #expect(resumed.status == 65)
        #expect(resumed.stdout.contains("bad input"))
    }

    @Test("resume of a job another controller runs is refused with one line and exit 75 (try later), not the Lua-failure 1; a crafted manifest id is refused with 65")
    func resumeRefused() async throws {
        let (_, _, folder) = try Self.job(frames: [1, 2])
        let env = ["BLENDBATCH_WORKER": Self.standIn, "STANDIN_FRAME_SECONDS": "30"]
        let running = try Binary.start(["resume", folder], mark: UUID().uuidString, environment: env)
        defer { running.terminate(); running.waitUntilExit() }
        #expect(try await Binary.waitFor(seconds: 30) {
            (try? String(contentsOfFile: folder + "/journal.jsonl", encoding: .utf8))?.contains(#""kind":"start""#) == true
        })
        let second = try CLIRunner.run(["resume", folder], environment: env)
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1 && second.stderr.contains("already running"), "\(second.stderr)")
        _ = try CLIRunner.run(["cancel", folder])

        let (_, _, crafted) = try Self.job(frames: [1])
        let manifest = crafted + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #""id":"cli-"#, with: #""id":"..\/..\/cli-"#).write(toFile: manifest, atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["resume", crafted], environment: env)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("is not a job id"), "\(refused.stderr)")
    }

    @Test("an unknown job is one clear line and exit 66")
    func unknownJob() throws {
        let id = "no-such-job-\(UUID().uuidString)"
        let r = try CLIRunner.run(["cancel", id])
        #expect(r.status == 66 && r.stdout.isEmpty)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("blendbatch: ") && r.stderr.contains(id), "\(r.stderr)")
    }
}
