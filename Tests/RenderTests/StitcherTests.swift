import Foundation
import Testing
import RenderPlan
@testable import Render

/// Real FFmpeg on generated frames (odd-sized 65x37 test pattern), checked with ffprobe.
@Suite("Stitch stage", .serialized, .requires(.ffmpeg))
struct StitcherTests {
    /// Write frames `frames` as `<out>/frames/demo_NNNN.png`, each a different test-pattern image.
    func makeFrames(_ frames: [Int], out: String) throws {
        let scratch = TestSupport.temporaryFolder("src")
        let made = try CLIRunner.runTool(TestSupport.ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=65x37:rate=24",
                                                              "-frames:v", String(frames.count), scratch + "/%04d.png"])
        #expect(made.status == 0, "\(made.stderr)")
        try FileManager.default.createDirectory(atPath: out + "/frames", withIntermediateDirectories: true)
        for (index, frame) in frames.enumerated() {
            try FileManager.default.moveItem(atPath: scratch + String(format: "/%04d.png", index + 1),
                                             toPath: out + "/" + OutputSpec(location: out, name: "demo").frameKey(frame))
        }
    }

    func manifest(_ frames: String, out: String, rate: Double = 24, allowGaps: Bool = false) throws -> JobManifest {
        try TestSupport.manifest(frames: frames, chunk: 4, input: "/unused.blend", out: out,
                                 stitch: StitchSpec(frameRate: rate, allowGaps: allowGaps))
    }

    @Test("a stepped range becomes an MP4 with every frame, the manifest's rate and even size, plus GIF and sheet")
    func steppedRange() async throws {
        let out = TestSupport.temporaryFolder("stitch")
        let frames = Array(stride(from: 1, through: 19, by: 2))
        try makeFrames(frames, out: out)
        let summary = try await Stitcher(manifest: try manifest("1-19:2", out: out), ffmpeg: TestSupport.ffmpeg).run()
        #expect(summary.keys == ["demo.mp4", "demo.gif", "contact_sheet.png"])
        #expect(summary.filledGaps.isEmpty)
        let video = try TestSupport.probe(out + "/demo.mp4")
        #expect(video.frames == 10 && video.rate == "24/1")
        #expect(video.width == 66 && video.height == 38)
        #expect(try TestSupport.probe(out + "/demo.gif").frames == 10)
        let sheet = try TestSupport.probe(out + "/contact_sheet.png")
        #expect(sheet.width > 160 * 5 && sheet.height > 0)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains { $0.hasPrefix(".bb-tmp-") })
    }

    @Test("frames far from 1 and an NTSC rate: count and 24000/1001 survive")
    func highStartNTSC() async throws {
        let out = TestSupport.temporaryFolder("ntsc")
        try makeFrames(Array(1001...1005), out: out)
        var m = try manifest("1001-1005", out: out, rate: 23.976)
        m.stitch?.gif = false
        m.stitch?.contactSheet = false
        let summary = try await Stitcher(manifest: m, ffmpeg: TestSupport.ffmpeg).run()
        #expect(summary.keys == ["demo.mp4"])
        let video = try TestSupport.probe(out + "/demo.mp4")
        #expect(video.frames == 5 && video.rate == "24000/1001")
    }

    @Test("a gap fails naming the missing frames; allowGaps repeats the previous frame and keeps the count")
    func gaps() async throws {
        let out = TestSupport.temporaryFolder("gap")
        try makeFrames([1, 2, 3, 5, 6, 8], out: out)
        do {
            _ = try await Stitcher(manifest: try manifest("1-8", out: out), ffmpeg: TestSupport.ffmpeg).run()
            Issue.record("stitched with a gap")
        } catch let error as WorkerError {
            #expect(error.code == .dataError)
            #expect(error.message.contains("4,7"))
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/demo.mp4"))
        let summary = try await Stitcher(manifest: try manifest("1-8", out: out, allowGaps: true), ffmpeg: TestSupport.ffmpeg).run()
        #expect(summary.filledGaps == [4, 7])
        #expect(try TestSupport.probe(out + "/demo.mp4").frames == 8)
    }

    @Test("no frames at all, or no FFmpeg, are clear errors")
    func errors() async throws {
        let out = TestSupport.temporaryFolder("empty")
        do { _ = try await Stitcher(manifest: try manifest("1-3", out: out), ffmpeg: TestSupport.ffmpeg).run(); Issue.record("ran") } catch let error as WorkerError {
            #expect(error.code == .dataError && error.message.contains("none of the job's 3 frames"))
        }
        try makeFrames([1], out: out)
        do { _ = try await Stitcher(manifest: try manifest("1", out: out), ffmpeg: out + "/no-ffmpeg").run(); Issue.record("ran") } catch let error as WorkerError {
            #expect(error.code == .unavailable)
        }
    }

    @Test("stand-in FFmpeg: a build without the encoder is 'unavailable' (never retried), another failure is retryable")
    func ffmpegFailures() async throws {
        let out = TestSupport.temporaryFolder("noenc")
        try makeFrames([1, 2], out: out)
        for (said, code) in [("Unknown encoder 'libx264'", ExitCode.unavailable), ("Conversion failed!", ExitCode.renderFailure)] {
            let fake = out + "/ffmpeg-standin"
            try "#!/bin/sh\necho \"\(said)\" >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
            chmod(fake, 0o755)
            do { _ = try await Stitcher(manifest: try manifest("1-2", out: out), ffmpeg: fake).run(); Issue.record("ran") } catch let error as WorkerError {
                #expect(error.code == code, "\(said): \(error.message)")
                #expect(error.message.contains(said))
            }
        }
    }

    @Test("frame rates become FFmpeg rate arguments")
    func rates() {
        #expect(Stitcher.rateArgument(24) == "24")
        #expect(Stitcher.rateArgument(29.97) == "30000/1001")
        #expect(Stitcher.rateArgument(12.5) == "12.5")
        #expect(Stitcher.evenlySpaced(count: 100, limit: 4) == [0, 33, 66, 99])
        #expect(Stitcher.evenlySpaced(count: 3, limit: 48) == [0, 1, 2])
    }
}
