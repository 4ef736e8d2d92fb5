import Foundation
import Testing

/// An independent look at rendered output: files counted here and decoded by FFmpeg, never judged
/// by blendbatch's own FrameVerifier (the code under test).
public enum MediaCheck {
    /// The `.png` files in `folder` (hidden temp files left out), sorted by name.
    public static func pngs(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
    }

    /// The PNGs in `folder` FFmpeg cannot decode as one clean image (any error, or not exactly one frame).
    public static func undecodable(in folder: String) throws -> [String] {
        try pngs(in: folder).filter { try videoFrames(folder + "/" + $0) != 1 }
    }

    /// Expect `out` to hold the render of `frames`: exactly those PNGs (`<prefix>0001.png`…) in `out/frames`, each decoded by
    /// FFmpeg, and `out/<video>` (unless nil) with as many frames, counted by ffprobe.
    public static func expectRendered(_ out: String, frames: some Collection<Int>, video: String? = "demo.mp4", prefix: String = "demo_",
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(pngs(in: out + "/frames") == names(frames, prefix: prefix), sourceLocation: sourceLocation)
        #expect(try undecodable(in: out + "/frames").isEmpty, sourceLocation: sourceLocation)
        if let video { #expect(try videoFrames(out + "/" + video) == frames.count, sourceLocation: sourceLocation) }
    }

    /// `demo_0001.png`… for `frames`: the names a render of the demo writes.
    public static func names(_ frames: some Sequence<Int>, prefix: String = "demo_") -> [String] {
        frames.map { prefix + String(format: "%04d.png", $0) }
    }

    /// Frames in the first video stream of `file`, counted by ffprobe decoding every one; -1 when
    /// ffprobe reports any error.
    public static func videoFrames(_ file: String) throws -> Int {
        let ffprobe = try tool("ffprobe")
        let result = try CLIRunner.runTool(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file])
        guard result.status == 0, result.stderr.isEmpty else { return -1 }
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func tool(_ name: String) throws -> String {
        if let path = ProcessInfo.processInfo.environment["BLENDBATCH_\(name.uppercased())"], !path.isEmpty { return path }
        guard let path = onPath(name) else { throw Requirement.Missing(reasons: ["\(name) is not on PATH"]) }
        return path
    }
}
