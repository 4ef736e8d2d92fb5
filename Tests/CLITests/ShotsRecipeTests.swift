import Foundation
import Testing

/// The bundled `shots` recipe and `blendbatch render a.blend b.blend --out DIR`, with real Blender
/// on the tiny demo (scripts/make-demo: 320x180, 24 fps) rendered at 10 % with 1 sample.
@Suite("shot lists and several files (binary, real Blender)", .serialized)
struct ShotsRecipeTests {
    let bundled = RecipesBundledTests()

    /// The demo saved again at 30 fps (by Debian's Blender), for the mixed-rate cases.
    static let demo30: String = {
        let path = (Binary.demo as NSString).deletingLastPathComponent + "/demo30.blend"
        let script = "import bpy; bpy.context.scene.render.fps = 30; bpy.ops.wm.save_as_mainfile(filepath=r'\(path)')"
        _ = try? CLIRunner.runTool("/usr/bin/blender", ["-b", Binary.demo, "--python-exit-code", "1", "--python-expr", script])
        return path
    }()

    /// `stream=nb_read_frames,r_frame_rate` of a video's first stream.
    func framesAndRate(_ video: String) throws -> (Int, String) {
        let r = try CLIRunner.runTool("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                                           "stream=nb_read_frames,r_frame_rate", "-of", "default=noprint_wrappers=1", video])
        let fields = Dictionary(uniqueKeysWithValues: r.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        })
        return (Int(fields["nb_read_frames"] ?? "") ?? -1, fields["r_frame_rate"] ?? "?")
    }

    func write(_ text: String, to name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a JSON shot list: one job per shot into DIR/<name>/ with its contact sheet, edit.mp4 in list order with every frame at 24 fps")
    func json() throws {
        let out = Binary.folder("shots-json")
        let list = try write("""
            [{"name": "sh020", "file": "\(Binary.demo)", "frames": "4-5"},
             {"name": "sh010", "file": "\(Binary.demo)", "frames": "1-3", "samples": 2}]
            """, to: "shots.json", in: Binary.folder("shots-list"))
        let r = try bundled.run(["shots", "--list", list, "--out", out, "--percent", "10", "--samples", "1", "--workers", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        for shot in ["sh010", "sh020"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(shot)/contact_sheet.png"), "\(shot) has no contact sheet")
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(shot)/demo.mp4"))
        }
        #expect(bundled.frameNumbers(out + "/sh020") == [4, 5] && bundled.frameNumbers(out + "/sh010") == [1, 2, 3])
        let (frames, rate) = try framesAndRate(out + "/edit.mp4")
        #expect(frames == 5 && rate == "24/1")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.firstIndex { $0.hasPrefix("shot sh020: succeeded") } ?? 9 < lines.firstIndex { $0.hasPrefix("shot sh010: succeeded") } ?? 0)
        #expect(r.stdout.contains("edit: \(out)/edit.mp4 (2 shots, 5 frames at 24 fps"), "\(r.stdout)")
    }

    @Test("a CSV shot list with paths relative to it and default names")
    func csv() throws {
        let folder = (Binary.demo as NSString).deletingLastPathComponent
        let list = try write("name,file,frames,percent\n,demo.blend,1-2,10\n\"close, up\",demo.blend,7,\n", to: "shots.csv", in: folder)
        let out = Binary.folder("shots-csv")
        let r = try bundled.run(["shots", "--list", list, "--out", out, "--percent", "10", "--samples", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(bundled.frameNumbers(out + "/demo") == [1, 2] && bundled.frameNumbers(out + "/close, up") == [7])
        #expect(try framesAndRate(out + "/edit.mp4").0 == 3)
    }

    @Test("bad lists stop before anything renders: mixed fps names the shots (65), an unknown field (65), a missing file (66)")
    func badLists() throws {
        let folder = Binary.folder("shots-bad")
        let out = Binary.folder("shots-bad-out")
        let mixed = try write("[{\"file\": \"\(Binary.demo)\", \"frames\": \"1\"}, {\"file\": \"\(Self.demo30)\", \"frames\": \"1\"}]",
                              to: "mixed.json", in: folder)
        let r = try bundled.run(["shots", "--list", mixed, "--out", out, "--percent", "10"])
        #expect(r.status == 65)
        #expect(r.stderr == "blendbatch: the shots have different frame rates: demo (24 fps), demo30 (30 fps); render them at one rate, or run with --no-edit\n",
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/demo"))
        let unknown = try write("[{\"file\": \"\(Binary.demo)\", \"fps\": 30}]", to: "unknown.json", in: folder)
        let u = try bundled.run(["shots", "--list", unknown, "--out", out])
        #expect(u.status == 65 && u.stderr.contains("shot 1: unknown field 'fps'"), "\(u.stderr)")
        let missing = try write("[{\"file\": \"nope.blend\"}]", to: "missing.json", in: folder)
        let m = try bundled.run(["shots", "--list", missing, "--out", out])
        #expect(m.status == 66 && m.stderr.hasPrefix("blendbatch: shot nope: ") && m.stderr.split(separator: "\n").count == 1, "\(m.stderr)")
    }

    @Test("render a.blend b.blend --out DIR: one job each into DIR/<file name>/; a missing file stops the run before anything renders")
    func severalFiles() throws {
        let out = Binary.folder("render-files")
        let r = try CLIRunner.run(["render", Binary.demo, Self.demo30, "--out", out, "--frames", "1-2", "--no-video"] + Binary.tiny)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Binary.frames(out + "/demo").count == 2 && Binary.frames(out + "/demo30").count == 2)
        #expect(r.stdout.contains("\(Binary.demo): done → \(out)/demo") && r.stdout.contains("\(Self.demo30): done → \(out)/demo30"), "\(r.stdout)")
        let bad = Binary.folder("render-files-bad")
        let b = try CLIRunner.run(["render", Binary.demo, "/nonexistent/shot.blend", "--out", bad] + Binary.tiny)
        #expect(b.status == 66 && b.stderr.contains("/nonexistent/shot.blend"))
        #expect(!FileManager.default.fileExists(atPath: bad + "/demo"))
        let twice = try CLIRunner.run(["render", Binary.demo, Binary.demo, "--out", bad])
        #expect(twice.status == 64 && twice.stderr.contains("two files are named demo"))
    }
}
