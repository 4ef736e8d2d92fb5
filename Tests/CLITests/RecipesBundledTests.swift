import Foundation
import Testing

/// The bundled recipes (recipes/*.lua) run by name through the built binary, sandboxed, on a tiny
/// demo .blend (scripts/make-demo): frame files, GIF, contact sheet, MP4 and the sweep's table.
@Suite("bundled recipes", .serialized, .requires(.blender, .ffmpeg))
struct RecipesBundledTests {
    /// An isolated environment: no user config, a private cache, the repo's recipes as the bundled ones.
    func environment() throws -> [String: String] {
        let home = try CLIRunner.tempDir()
        return ["HOME": home.path, "XDG_CONFIG_HOME": home.path + "/config", "XDG_CACHE_HOME": home.path + "/cache",
                "BLENDBATCH_RECIPES_DIR": CLIRunner.repoRoot.appendingPathComponent("recipes").path]
    }

    func run(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(["run"] + arguments, environment: try environment())
    }

    /// The frame numbers of `<out>/frames/*_NNNN.png`.
    func frameNumbers(_ out: String) -> [Int] {
        Binary.frames(out).compactMap { name in
            guard name.hasSuffix(".png"), let underscore = name.lastIndex(of: "_") else { return nil }
            return Int(name[name.index(after: underscore)...].dropLast(4))
        }.sorted()
    }

    /// ffprobe's `stream=codec_name,width,height` of the file's first video stream, or nil.
    func probe(_ path: String) -> String? {
        guard let p = try? CLIRunner.runTool("/usr/bin/env", ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                                                               "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path])
        else { return nil }
        let text = p.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return p.status == 0 && !text.isEmpty ? text : nil
    }

    @Test("blendbatch recipes lists the bundled recipes with their descriptions")
    func listed() throws {
        let r = try CLIRunner.run(["recipes"], environment: try environment())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("render  —  Render a .blend's frames on this machine and stitch an MP4"))
        #expect(r.stdout.contains("preview  —  Render every Nth frame at low resolution and samples into a GIF preview"))
        #expect(r.stdout.contains("resolution_sweep  —  Render one frame at several percentages and sample counts"))
        #expect(r.stdout.contains("frame_range  —  Re-render a range of frames into an existing output"))
        #expect(r.stdout.contains("shots  —  Render a shot list (JSON or CSV): one job per shot, then DIR/edit.mp4 in list order"))
        for name in ["render", "preview", "resolution_sweep", "frame_range", "shots"] {
            let check = try CLIRunner.run(["recipes", "check", CLIRunner.repoRoot.path + "/recipes/\(name).lua"],
                                          environment: try environment())
            #expect(check.status == 0 && check.stdout.hasPrefix("ok: \(name)"), "\(name): \(check.stdout)\(check.stderr)")
        }
    }

    @Test("render renders the asked frames (Blender's 2..4, as blendbatch render takes it) and stitches an MP4 ffprobe reads")
    func render() throws {
        let out = Binary.folder("recipe-render")
        let r = try run(["render", "--file", Binary.demo, "--frames", "2..4", "--percent", "10", "--samples", "1",
                         "--out", out, "--workers", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(frameNumbers(out) == [2, 3, 4])
        #expect(r.stdout.contains("3/3 frames"), "\(r.stdout)")
        let video = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("video: ") }).dropFirst(7)
        let probed = try #require(probe(String(video)))
        #expect(probed.hasPrefix("h264,"))
        #expect(probed.hasSuffix(",3"), "\(probed)")
    }

    @Test("preview renders every Nth frame and makes a GIF ffprobe reads")
    func preview() throws {
        let out = Binary.folder("recipe-preview")
        let r = try run(["preview", "--file", Binary.demo, "--frames", "1-10", "--every", "3", "--percent", "10",
                         "--samples", "1", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(frameNumbers(out) == [1, 4, 7, 10])
        let gif = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("gif: ") }).dropFirst(5)
        #expect(gif.hasSuffix(".gif"))
        let probed = try #require(probe(String(gif)))
        #expect(probed.hasPrefix("gif,"))
        #expect(probed.hasSuffix(",4"), "\(probed)")
    }

    @Test("resolution_sweep prints a row per combination and a contact sheet ffprobe reads")
    func sweep() throws {
        let out = Binary.folder("recipe-sweep")
        let r = try run(["resolution_sweep", "--file", Binary.demo, "--frame", "5", "--percents", "10,20",
                         "--samples", "1,2", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        for (percent, samples) in [(10, 1), (10, 2), (20, 1), (20, 2)] {
            let row = lines.filter { line in
                let cells = line.split(separator: " ")
                return cells.count >= 3 && cells[0] == "\(percent)" && cells[1] == "\(samples)" && Double(cells[2]) != nil
            }
            #expect(row.count == 1, "no row for \(percent)% / \(samples) samples in:\n\(r.stdout)")
        }
        #expect(frameNumbers(out) == [1, 2, 3, 4])
        let sheet = try #require(lines.first { $0.hasPrefix("contact sheet: ") }).dropFirst(15)
        #expect(sheet.hasSuffix("contact_sheet.png"))
        let probed = try #require(probe(String(sheet)))
        #expect(probed.hasPrefix("png,"))
        let bad = try run(["resolution_sweep", "--file", Binary.demo, "--percents", "10,x", "--out", out])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'x' is not a positive integer"))
    }

    @Test("frame_range re-renders a range into an existing output and re-stitches the MP4")
    func frameRange() throws {
        let out = Binary.folder("recipe-range")
        let first = try run(["render", "--file", Binary.demo, "--frames", "1-4", "--percent", "10", "--samples", "1",
                             "--out", out, "--workers", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        let frame3 = out + "/frames/" + (Binary.frames(out).first { $0.hasSuffix("_0003.png") } ?? "missing")
        let frame1 = out + "/frames/" + (Binary.frames(out).first { $0.hasSuffix("_0001.png") } ?? "missing")
        // Dated a day back, a frame written again shows by its date, whatever the clock's resolution.
        let before = Date().addingTimeInterval(-86_400)
        for frame in [frame1, frame3] { try FileManager.default.setAttributes([.modificationDate: before], ofItemAtPath: frame) }
        let before1 = try FileManager.default.attributesOfItem(atPath: frame1)[.modificationDate] as? Date
        let r = try run(["frame_range", "--frames", "3-4", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("re-rendered 2 frames (3-4; 2 replaced)"), "\(r.stdout)")
        #expect(frameNumbers(out) == [1, 2, 3, 4])
        let after = try FileManager.default.attributesOfItem(atPath: frame3)[.modificationDate] as? Date
        let after1 = try FileManager.default.attributesOfItem(atPath: frame1)[.modificationDate] as? Date
        #expect(after.map { $0 > before } == true, "frame 3 was not rendered again")
        #expect(after1 == before1, "frame 1 should be left alone")
        let video = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("video: ") })
        let path = String(video.dropFirst(7).prefix { $0 != " " })
        let probed = try #require(probe(path))
        #expect(probed.hasSuffix(",4"), "\(probed)")
    }

    @Test("the render recipe ends with blendbatch render's exit codes and one line: 66 missing file, 65 unknown scene")
    func renderFailures() throws {
        let missing = try run(["render", "--file", "/nonexistent/shot.blend"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "blendbatch: /nonexistent/shot.blend: cannot open: No such file or directory\n", "\(missing.stderr)")
        let scene = try run(["render", "--file", Binary.demo, "--scene", "NoSuchScene", "--out", Binary.folder("recipe-scene")])
        #expect(scene.status == 65)
        #expect(scene.stderr.split(separator: "\n").count == 1 && scene.stderr.hasPrefix("blendbatch: \(Binary.demo): no scene 'NoSuchScene'"),
                "\(scene.stderr)")
    }
}
