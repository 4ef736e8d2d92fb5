import Foundation
import Render

/// Follows a task's log file as it grows and picks out Blender's sample progress
/// (`Fra:12 … | Sample 3/16`, also behind Blender 5's `render | ` prefix).
struct LogTail {
    let path: String
    private var offset: UInt64 = 0

    init(path: String) { self.path = path }

    /// The latest `(frame, sample, of)` reported since the last call, if any.
    mutating func latestSample() -> (frame: Int, sample: Int, of: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end > offset else { return nil }
        // Only the tail matters: skip ahead when a lot was written since the last look.
        let start = max(offset, end > 65_536 ? end - 65_536 : 0)
        try? handle.seek(toOffset: start)
        guard let data = try? handle.read(upToCount: Int(end - start)) else { return nil }
        // Stop at the last complete line; the rest is read next time.
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return nil }
        offset = start + UInt64(lastNewline - data.startIndex + 1)
        let text = String(decoding: data[data.startIndex...lastNewline], as: UTF8.self)
        for line in text.split(separator: "\n").reversed() {
            if let progress = Self.parseSample(line) { return progress }
        }
        return nil
    }

    /// The message of the worker's `failed` event near the end of the log (what went wrong, in its
    /// own words: "disk full: …", "scene 'X' not found …"), if it wrote one.
    func lastFailure() -> String? {
        guard let text = Self.tail(path: path) else { return nil }
        for line in text.split(separator: "\n").reversed() where line.hasPrefix("{") && line.contains(#""event":"failed""#) {
            if let event = WorkerEvent.parse(String(line)), event.event == .failed, let message = event.message { return message }
        }
        return nil
    }

    /// The last `count` lines of the log at `path` (empty when it cannot be read).
    static func lastLines(path: String, count: Int) -> [String] {
        (tail(path: path) ?? "").split(separator: "\n").suffix(count).map(String.init)
    }

    /// The last 64 KiB of the file at `path`, as text.
    private static func tail(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: end > 65_536 ? end - 65_536 : 0)
        return (try? handle.readToEnd()).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `Fra:<n> … Sample <i>/<n>` (or EEVEE's `Rendering i / n samples`) from one Blender log line,
    /// as the worker's own `BlenderLogParser` reads it.
    static func parseSample(_ line: Substring) -> (frame: Int, sample: Int, of: Int)? {
        var parser = BlenderLogParser()
        for case .sample(let frame, let done, let total) in parser.parse(String(line)) { return (frame, done, total) }
        return nil
    }
}
