import Foundation
import Testing

/// Frames belong to the settings that made them: a render into a folder that holds frames of other
/// settings renders them again (or keeps them with --keep-existing, saying so); never a mixed folder.
@Suite("Frames and their settings (binary, real Blender)", .serialized, .requires(.blender, .ffmpeg))
struct FrameSettingsTests {
    static func width(_ file: String) throws -> Int? {
        let probe = try CLIRunner.runTool("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=width", "-of", "csv=p=0", file])
        return Int(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The task logs of the job that ran last in `out` (ids sort by second only, so by the journal's time).
    static func logsOfLastJob(_ out: String) throws -> String {
        let jobs = out + "/.blendbatch/jobs"
        let ids = try FileManager.default.contentsOfDirectory(atPath: jobs)
        let last = try #require(ids.max { a, b in
            let time = { (id: String) in (try? FileManager.default.attributesOfItem(atPath: "\(jobs)/\(id)/journal.jsonl")[.modificationDate] as? Date) ?? .distantPast }
            return time(a) < time(b)
        })
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: "\(jobs)/\(last)/logs")) ?? []
        return logs.sorted().compactMap { try? String(contentsOfFile: "\(jobs)/\(last)/logs/\($0)", encoding: .utf8) }.joined()
    }

    @Test("a 100 % render after a 50 % one renders every frame again; the same settings again skip them all; --keep-existing keeps and says so")
    func settingsChange() throws {
        let out = Binary.folder("settings") + "/out"
        let base = ["render", Binary.demo, "--frames", "1-2", "--out", out, "--samples", "1", "--workers", "1", "--no-video"]
        let half = try CLIRunner.run(base + ["--percent", "10"])
        #expect(half.status == 0, "stderr: \(half.stderr)")
        #expect(try Self.width(out + "/frames/demo_0001.png") == 32)

        let full = try CLIRunner.run(base + ["--percent", "20", "--json"])
        #expect(full.status == 0, "stderr: \(full.stderr)")
        #expect(try Binary.json(full.stdout)["framesRendered"] as? Int == 2)
        #expect(try Self.width(out + "/frames/demo_0001.png") == 64 && Self.width(out + "/frames/demo_0002.png") == 64)

        let again = try CLIRunner.run(base + ["--percent", "20", "--json"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(try Binary.json(again.stdout)["framesRendered"] as? Int == 0, "same settings: nothing to render")

        let kept = try CLIRunner.run(base + ["--percent", "10", "--keep-existing", "--json"])
        #expect(kept.status == 0, "stderr: \(kept.stderr)")
        #expect(try Self.width(out + "/frames/demo_0001.png") == 64, "kept as they were")
        let logs = try Self.logsOfLastJob(out)
        #expect(logs.contains("keeping frames 1-2 made with other settings (--keep-existing)"))
        #expect(!logs.contains("Fra:"), "no frame rendered")

        // Kept frames now count as made with those settings: the same render again has nothing to do.
        let after = try CLIRunner.run(base + ["--percent", "10", "--json"])
        #expect(after.status == 0, "stderr: \(after.stderr)")
        #expect(try Binary.json(after.stdout)["framesRendered"] as? Int == 0)
        #expect(try Self.width(out + "/frames/demo_0001.png") == 64)
    }
}
