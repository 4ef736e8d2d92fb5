import Foundation
import RenderPlan
import Testing
@testable import Render

/// `Edit` with real FFmpeg on videos FFmpeg's test source makes.
@Suite("Edit (real FFmpeg)", .serialized)
struct EditTests {
    let edit = Edit(ffmpeg: "/usr/bin/ffmpeg", ffprobe: "/usr/bin/ffprobe")

    /// A `frames`-frame H.264 video of FFmpeg's test pattern at `size` and `fps`.
    func video(_ name: String, frames: Int, fps: Int, size: String) throws -> String {
        let path = NSTemporaryDirectory() + "bb-edit-\(UUID().uuidString.prefix(8))-\(name).mp4"
        let made = try CLIRunner.runTool("/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=\(size):rate=\(fps)",
                                                             "-frames:v", "\(frames)", "-c:v", "libx264", "-pix_fmt", "yuv420p", path])
        try #require(made.status == 0, "\(made.stderr)")
        return path
    }

    @Test("shots of different sizes at one rate: every frame, in order, at the first shot's size")
    func concatenates() throws {
        let a = try video("a", frames: 5, fps: 24, size: "64x36"), b = try video("b", frames: 7, fps: 24, size: "128x96")
        let out = NSTemporaryDirectory() + "bb-edit-\(UUID().uuidString.prefix(8)).mp4"
        let probe = try edit.concatenate([Edit.Clip(name: "a", video: a), Edit.Clip(name: "b", video: b)], into: out)
        #expect(probe == Edit.Probe(width: 64, height: 36, rate: "24/1", frames: 12))
    }

    @Test("mixed rates are refused naming each shot and its rate; nothing is written")
    func mixedRates() throws {
        let a = try video("a", frames: 2, fps: 24, size: "64x36"), b = try video("b", frames: 2, fps: 30, size: "64x36")
        let out = NSTemporaryDirectory() + "bb-edit-\(UUID().uuidString.prefix(8)).mp4"
        #expect(throws: WorkerError(.dataError, "edit: the shots have different frame rates: sh010 (24 fps), sh020 (30 fps); render them at one rate, or make an edit per rate")) {
            try edit.concatenate([Edit.Clip(name: "sh010", video: a), Edit.Clip(name: "sh020", video: b)], into: out)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(Edit.fps("30000/1001") == "29.97")
    }
}
