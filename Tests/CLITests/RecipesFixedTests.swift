import Foundation
import Testing

/// The bundled recipes' faults fixed (issue 18): frame_range keeps the job's step; resolution_sweep's
/// contact sheet has one cell size and a caption per cell. Real Blender, real FFmpeg.
@Suite("bundled recipes, fixed", .serialized)
struct RecipesFixedTests {
    let bundled = RecipesBundledTests()

    @Test("frame_range on a 5-29:3 job: --frames 10-12 renders frame 11 alone and the video keeps 9 frames")
    func steppedRange() throws {
        let out = Binary.folder("range-step")
        let first = try bundled.run(["render", "--file", Binary.demo, "--frames", "5-29:3", "--percent", "10", "--samples", "1",
                                     "--out", out, "--workers", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        let r = try bundled.run(["frame_range", "--frames", "10-12", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("re-rendered 1 frames (11; 1 replaced)"), "\(r.stdout)")
        #expect(bundled.frameNumbers(out) == Array(stride(from: 5, through: 29, by: 3)))
        let video = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("video: ") })
        #expect(bundled.probe(String(video.dropFirst(7).prefix { $0 != " " }))?.hasSuffix(",9") == true)
        let none = try bundled.run(["frame_range", "--frames", "6-7", "--out", out])
        #expect(none.status == 1 && none.stderr.contains("none of these is one of the job's frames (5-29:3)"), "\(none.stderr)")
    }

    @Test("resolution_sweep: every image in one 160x90 cell (660x98 sheet for 4), none blank, each captioned")
    func sweepSheet() throws {
        let out = Binary.folder("sweep-cells")
        let r = try bundled.run(["resolution_sweep", "--file", Binary.demo, "--frame", "5", "--percents", "10,20",
                                 "--samples", "1,2", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let sheet = out + "/contact_sheet.png"
        #expect(bundled.probe(sheet) == "png,660,98,1")
        // The sheet as 8-bit grey: each cell (x = 4 + i * 164, y = 4, 160x90) has picture and a bright caption.
        let gray = try CLIRunner.runTool("/usr/bin/ffmpeg", ["-v", "error", "-i", sheet, "-f", "rawvideo", "-pix_fmt", "gray", "-"]).stdoutData
        #expect(gray.count == 660 * 98)
        let pixels = [UInt8](gray)
        for cell in 0..<4 {
            let x0 = 4 + cell * 164
            let picture = (10..<70).flatMap { y in (x0 + 10..<x0 + 150).map { pixels[(4 + y) * 660 + $0] } }
            #expect(Set(picture).count > 8, "cell \(cell + 1) is blank")
            let caption = (76..<90).flatMap { y in (x0 + 3..<x0 + 100).map { pixels[(4 + y) * 660 + $0] } }
            #expect(caption.filter { $0 > 200 }.count > 20, "cell \(cell + 1) has no caption")
        }
    }
}
