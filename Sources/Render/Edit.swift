import Foundation
import ProcessSpawn
import RenderPlan

/// Cuts shots' videos together in order: one H.264 MP4 at the shots' common frame rate, every shot
/// scaled (aspect kept, padded) to the first one's size. Shots at different frame rates are refused,
/// naming them: retiming is an editorial decision, not ours.
public struct Edit: Sendable {
    public struct Clip: Sendable, Equatable {
        public var name: String
        public var video: String
        public init(name: String, video: String) {
            self.name = name
            self.video = video
        }
    }

    /// What FFprobe says about a video.
    public struct Probe: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Frames per second as FFprobe gives it (`24/1`, `30000/1001`).
        public var rate: String
        public var frames: Int
    }

    public let ffmpeg: String
    public let ffprobe: String

    public init(ffmpeg: String, ffprobe: String) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
    }

    /// Write `clips` one after the other into `output`; returns its probe.
    public func concatenate(_ clips: [Clip], into output: String) throws(WorkerError) -> Probe {
        guard let first = clips.first else { throw WorkerError(.usage, "edit: no shots to put together") }
        var probes: [Probe] = []
        for clip in clips { probes.append(try probe(clip.video, shot: clip.name)) }
        let rates = Set(probes.map(\.rate))
        if rates.count > 1 {
            let listed = zip(clips, probes).map { "\($0.name) (\(Self.fps($1.rate)) fps)" }.joined(separator: ", ")
            throw WorkerError(.dataError, "edit: the shots have different frame rates: \(listed); render them at one rate, or make an edit per rate")
        }
        let (width, height) = (probes[0].width, probes[0].height)
        var filters: [String] = []
        for index in clips.indices {
            filters.append("[\(index):v]scale=\(width):\(height):force_original_aspect_ratio=decrease,"
                           + "pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v\(index)]")
        }
        filters.append(clips.indices.map { "[v\($0)]" }.joined() + "concat=n=\(clips.count):v=1:a=0[out]")
        let partial = (output as NSString).deletingLastPathComponent + "/.partial-" + (output as NSString).lastPathComponent
        let arguments = clips.flatMap { ["-i", $0.video] }
            + ["-filter_complex", filters.joined(separator: ";"), "-map", "[out]", "-r", probes[0].rate,
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", partial]
        try run(ffmpeg, ["-y", "-hide_banner", "-loglevel", "error", "-nostdin"] + arguments, what: "the edit of \(first.name)…")
        guard rename(partial, output) == 0 else { throw WorkerError(.ioError, "edit: cannot write \(output): \(String(cString: strerror(errno)))") }
        return try probe(output, shot: "edit")
    }

    /// Size, frame rate and frame count of the first video stream of `video`.
    public func probe(_ video: String, shot: String) throws(WorkerError) -> Probe {
        guard FileManager.default.fileExists(atPath: video) else { throw WorkerError(.noInput, "edit: shot \(shot): no video at \(video)") }
        let lines = try run(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                                      "stream=width,height,r_frame_rate,nb_read_packets", "-of", "default=noprint_wrappers=1", video],
                            what: "the probe of \(shot)")
        var fields: [String: String] = [:]
        for line in lines { if let eq = line.firstIndex(of: "=") { fields[String(line[..<eq])] = String(line[line.index(after: eq)...]) } }
        guard let width = fields["width"].flatMap(Int.init), let height = fields["height"].flatMap(Int.init),
              let rate = fields["r_frame_rate"], let frames = fields["nb_read_packets"].flatMap(Int.init) else {
            throw WorkerError(.dataError, "edit: shot \(shot): \(video) has no video stream FFprobe can read")
        }
        return Probe(width: width, height: height, rate: rate, frames: frames)
    }

    /// `24/1` → `24`, `30000/1001` → `29.97`.
    public static func fps(_ rate: String) -> String {
        let parts = rate.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0 else { return rate }
        let value = parts[0] / parts[1]
        if value == value.rounded() { return String(Int(value)) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String], what: String) throws(WorkerError) -> [String] {
        let child: ChildProcess
        do { child = try ChildProcess.spawn(program, arguments) } catch {
            throw WorkerError(.unavailable, "\(error) (install ffmpeg, or point BLENDBATCH_FFMPEG / BLENDBATCH_FFPROBE at it)")
        }
        var lines: [String] = []
        child.readLines { lines.append($0) }
        let termination = child.wait()
        guard termination.isSuccess else {
            throw WorkerError(.renderFailure, "FFmpeg failed making \(what) (\(termination)): \(lines.suffix(3).joined(separator: " / "))")
        }
        return lines
    }
}
