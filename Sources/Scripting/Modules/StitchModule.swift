import Foundation
import LuaKit
import ObjectStore
import Render
import RenderPlan

extension LuaModule {
    /// `stitch`: FFmpeg outputs from rendered frames.
    static let stitch = LuaModule("stitch", doc: """
        Make an MP4, a GIF preview or a contact sheet from frames in an output folder \
        (<out>/frames/<name>_0001.png …) with FFmpeg. Each returns the output's path, or nil, message, code.
        """) { m in
        m.function("video", doc: """
            stitch.video{out=DIR, frames=SET, fps=24 [, name=, format='PNG', allow_gaps=false, ffmpeg=PATH]} -> path
            H.264 MP4 (yuv420p, even size) at `fps`, one video frame per listed frame in order; a missing \
            frame fails naming it unless allow_gaps (then the previous frame repeats).
            """) { args in try run(args, .video) }
        m.function("gif", doc: "stitch.gif{out=DIR, frames=SET, fps=24 [, name=, format=, allow_gaps=]} -> path\nA palette-based GIF at most 320 px wide.") { args in
            try run(args, .gif)
        }
        m.function("contact_sheet", doc: """
            stitch.contact_sheet{out=DIR, frames=SET [, name=, format=, allow_gaps=, labels={text, ...}]} -> path
            A PNG grid of up to 48 evenly spaced frames, each scaled into one cell size (aspect kept); labels
            captions the frames in order (labels[i] goes with the i-th frame).
            """) { args in
            try run(args, .contactSheet)
        }
    }
}

private enum StitchOutput { case video, gif, contactSheet }

/// The table `stitch.*` take.
private struct StitchOptions: Decodable {
    var out: String
    var frames: FramesArgument
    var fps: Double?
    var name: String?
    var format: String?
    var allow_gaps: Bool?
    var ffmpeg: String?
    var labels: [String]?
}

/// A frame set given as an expression or a list of integers.
private struct FramesArgument: Decodable {
    var set: FrameSet
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            do { set = try FrameSet(parsing: text) } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
            }
        } else {
            set = FrameSet(try container.decode([Int].self))
        }
    }
}

private func run(_ args: LuaArgs, _ output: StitchOutput) throws -> LuaResult {
    let options = try args.decode(StitchOptions.self, 1)
    let capabilities = Capabilities.of(args)
    try capabilities.require(.write, options.out, args)
    try capabilities.requireProgram(options.ffmpeg, option: "ffmpeg", args)
    guard !options.frames.set.isEmpty else { throw args.error(1, "field 'frames': no frames") }
    let out = (try? StoreLocation(parsing: options.out).description) ?? options.out
    let format = (options.format ?? "PNG").uppercased()
    guard let name = options.name ?? inferName(out: out, format: format) else {
        return .failure("\(out)/frames: cannot tell the frames' name; pass name=", code: "no_input")
    }
    let ffmpeg: String
    do { ffmpeg = try ToolLocator.locate(.ffmpeg, explicit: options.ffmpeg) } catch {
        return .failure("\(error)", code: "unavailable")
    }
    let manifest = JobManifest(
        id: "stitch-\(UUID().uuidString.prefix(8))", input: "", scene: nil, overrides: RenderOverrides(),
        chunks: [FrameChunk(index: 0, frames: options.frames.set.frames)],
        output: OutputSpec(location: out, name: name, format: format),
        stitch: StitchSpec(frameRate: options.fps ?? 24, video: output == .video, gif: output == .gif,
                           contactSheet: output == .contactSheet, allowGaps: options.allow_gaps ?? false))
    do {
        var stitcher = Stitcher(manifest: manifest, ffmpeg: ffmpeg)
        stitcher.labels = Dictionary(zip(options.frames.set.frames, options.labels ?? [])) { first, _ in first }
        let summary = try args.wait { [stitcher] in try await stitcher.run() }
        guard let key = summary.keys.first else { return .failure("nothing was made", code: "error") }
        return .value(.string(try StoreLocation(parsing: out).appending(key).description))
    } catch let error as WorkerError {
        return .failure(error.message, code: "\(error.code)")
    }
}

/// The `<name>` of `<out>/frames/<name>_NNNN.<ext>` when every frame file shares it.
private func inferName(out: String, format: String) -> String? {
    let ext = OutputSpec(location: out, name: "", format: format).fileExtension
    let files = (try? FileManager.default.contentsOfDirectory(atPath: out + "/frames")) ?? []
    let names = Set(files.filter { $0.hasSuffix("." + ext) }.compactMap { file -> String? in
        guard let underscore = file.lastIndex(of: "_") else { return nil }
        return String(file[..<underscore])
    })
    return names.count == 1 ? names.first : nil
}
