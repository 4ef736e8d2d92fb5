import Foundation
import Testing

/// Drives the built `blendbatch worker` (BLENDBATCH_BIN, else .build/debug/blendbatch) with a real
/// Blender on a tiny scene, and signals it like an executor or a Spot reclaim would.
@Suite("blendbatch worker (binary)", .serialized, .requires(.blender, .ffmpeg))
struct WorkerCommandTests {
    /// A manifest rendering `frames` of the demo .blend (`Binary.demo`) at 64x36 into `<folder>/out`.
    static func manifest(in folder: String, frames: [Int], input: String = Binary.demo) throws -> String {
        let json: [String: Any] = [
            "version": 1, "id": "cli-test", "createdAt": "2026-11-25T18:00:00Z", "input": input, "scene": "Demo",
            "overrides": ["resolutionPercentage": 100, "resolutionX": 64, "resolutionY": 36, "samples": 2,
                          "threads": 1, "denoise": false],
            "chunks": [["index": 0, "frames": frames]],
            "output": ["location": folder + "/out", "name": "demo", "format": "PNG", "padding": 4],
            "stitch": ["frameRate": 24, "video": true, "gif": false, "contactSheet": false, "allowGaps": false],
        ]
        let path = folder + "/manifest.json"
        _ = FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: json))
        return path
    }

    /// Run the worker; `onLine` sees each stdout line, with the worker's pid to signal it.
    static func run(_ arguments: [String], manifest: String, extraEnvironment: [String: String] = [:],
                    onLine: (@Sendable (String, Int32) -> Void)? = nil) throws -> (code: Int32, stdout: [String], stderr: String) {
        let environment = ["BLENDBATCH_MANIFEST": manifest, "AWS_BATCH_JOB_ARRAY_INDEX": "0"].merging(extraEnvironment) { $1 }
        let result = try CLIRunner.run(["worker"] + arguments, environment: environment, onLine: onLine)
        return (result.status, result.stdout.split(separator: "\n").map(String.init), result.stderr)
    }

    static func frames(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/out/frames")) ?? []).sorted()
    }

    @Test("SIGTERM mid-render: exit 75, finished frames intact, no temp file, no Blender left")
    func sigterm() throws {
        let dir = Binary.folder("sigterm")
        let manifest = try Self.manifest(in: dir, frames: Array(1...40))
        let result = try Self.run(["--quiet"], manifest: manifest) { line, pid in
            if line.contains(#""event":"frame_saved""#) && line.contains(#""frame":2,"#) { kill(pid, SIGTERM) }
        }
        #expect(result.code == 75, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("interrupted"))
        let files = Self.frames(in: dir)
        #expect(files.count >= 2 && files.count < 40)
        #expect(files.allSatisfy { $0.hasPrefix("demo_") && $0.hasSuffix(".png") }, "\(files)")
        #expect(files.first == "demo_0001.png")
        let saved = result.stdout.filter { $0.contains("frame_saved") }.count
        #expect(saved == files.count)
        #expect(result.stdout.last?.contains(#""code":75"#) == true)
        // The second run renders only what is missing and finishes.
        let second = try Self.run(["--quiet"], manifest: manifest)
        #expect(second.code == 0, "stderr: \(second.stderr)")
        #expect(second.stdout.filter { $0.contains("frame_skipped") }.count == files.count)
        #expect(Self.frames(in: dir).count == 40)
    }

    @Test("a corrupt .blend exits 65; a crashing stand-in --blender (a shell script) exits 70; a missing one exits 69")
    func exitCodes() throws {
        let dir = Binary.folder("codes")
        let broken = dir + "/broken.blend"
        _ = FileManager.default.createFile(atPath: broken, contents: Data("BLENDER-v304 garbage".utf8))
        let corrupt = try Self.run(["--quiet"], manifest: try Self.manifest(in: dir, frames: [1], input: broken))
        #expect(corrupt.code == 65, "stderr: \(corrupt.stderr)")
        #expect(corrupt.stderr.contains("broken.blend"))

        let crasher = dir + "/crash.sh"
        _ = FileManager.default.createFile(atPath: crasher, contents: Data("#!/bin/sh\necho 'Fra:1 Mem:1M'\nkill -SEGV $$\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        let manifest = try Self.manifest(in: dir, frames: [1, 2])
        let crashed = try Self.run(["--quiet", "--blender", crasher], manifest: manifest)
        #expect(crashed.code == 70, "stderr: \(crashed.stderr)")
        #expect(crashed.stderr.contains("frame 1"))

        let missing = try Self.run(["--quiet"], manifest: manifest, extraEnvironment: ["BLENDBATCH_BLENDER": dir + "/none", "PATH": "/nonexistent"])
        #expect(missing.code == 69)
        #expect(missing.stderr.contains("BLENDBATCH_BLENDER"))
    }

    @Test("a crafted manifest is refused with exit 65 and one line before anything is written: an id with '/', an output name or format leaving frames/, padding 2e9", arguments: [
        ("id", "../../../../tmp/escape", "job id"),
        ("name", "../evil", "output name"),
        ("format", "PNG/../../x", "output format"),
        ("padding", "2e9", "output padding"),
    ])
    func craftedManifest(field: String, text: String, named: String) throws {
        let value: Any = field == "padding" ? Double(text)! : text
        let dir = Binary.folder("crafted")
        let path = try Self.manifest(in: dir, frames: [1])
        var json = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        if field == "id" { json["id"] = value } else {
            var output = try #require(json["output"] as? [String: Any])
            output[field] = value
            json["output"] = output
        }
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let result = try Self.run(["--quiet"], manifest: path)
        #expect(result.code == 65, "stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(named), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "the worker wrote into the output")
    }

    @Test("a work folder left by a killed worker (its lock gone, older than a minute) is removed by the next worker; a live one stays")
    func staleWorkFolders() throws {
        let dir = Binary.folder("stale")
        let manifest = try Self.manifest(in: dir, frames: [1])
        let work = dir + "/out/.blendbatch/work"
        let stale = work + "/blendbatch-old-0-dead0000", live = work + "/blendbatch-old-1-live0000"
        for folder in [stale, live] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: folder + "/.owner", contents: nil)
            _ = FileManager.default.createFile(atPath: folder + "/f_000001.png", contents: Data("half".utf8))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: folder + "/.owner")
        }
        // The live folder's owner (this test) holds its lock, as a running worker does.
        let fd = open(live + "/.owner", O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let result = try Self.run(["--quiet"], manifest: manifest)
        #expect(result.code == 0, "stderr: \(result.stderr)")
        #expect(Self.frames(in: dir) == ["demo_0001.png"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: work) == ["blendbatch-old-1-live0000"])
    }

    @Test("--stage stitch makes the video from the rendered frames")
    func stitch() throws {
        let dir = Binary.folder("stitch")
        let manifest = try Self.manifest(in: dir, frames: [1, 2, 3])
        #expect(try Self.run(["--quiet"], manifest: manifest).code == 0)
        let result = try Self.run(["--stage", "stitch", "--quiet"], manifest: manifest)
        #expect(result.code == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains { $0.contains(#""key":"demo.mp4""#) })
        #expect(FileManager.default.fileExists(atPath: dir + "/out/demo.mp4"))
    }
}
