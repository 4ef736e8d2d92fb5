import Foundation

/// Something Blender reported in its log.
public enum BlenderEvent: Sendable, Equatable {
    /// The first log line of a frame (`Fra:N …`).
    case frameStarted(Int)
    /// Render progress of a frame: Cycles `Sample i/n`, EEVEE `Rendering i / n samples`.
    case sample(frame: Int, done: Int, total: Int)
    /// Blender wrote an image (`Saved: '…'`); `frame` is the frame being rendered, if known.
    case saved(frame: Int?, path: String)
    /// A frame finished (` Time: 00:01.25 (Saving: …)`), with Blender's own render time.
    case frameTime(frame: Int?, seconds: Double)
    /// The render driver saved a frame (`blendbatch-frame: {…}`).
    case frameWritten(DriverFrame)
    /// The render driver changed a setting the scene asked for (`blendbatch-warning: …`).
    case warning(String)
    /// An error line (`Error: …`, a Python traceback's last line, our own `blendbatch-error:` marker).
    case error(String)
}

/// A frame the render driver saved: where, its render seconds and the process's peak memory (bytes).
public struct DriverFrame: Codable, Sendable, Equatable {
    public var frame: Int
    public var file: String
    public var seconds: Double
    public var peakMemory: Int?
    /// A display-referred PNG of the frame, for scene-linear formats (OpenEXR).
    public var preview: String?

    enum CodingKeys: String, CodingKey {
        case frame, file, seconds, preview
        case peakMemory = "peak_memory"
    }
}

/// Turns Blender's log, line by line, into `BlenderEvent`s. Understands Blender 2.8–4.x output and
/// Blender 5's `<time>  render | ` line prefix.
public struct BlenderLogParser: Sendable {
    /// The frame Blender is working on (from the last `Fra:` line).
    public private(set) var currentFrame: Int?
    /// The last error line seen, for failure reports.
    public private(set) var lastError: String?

    public init() {}

    /// Markers the render driver prints: an error before it exits, a changed setting, a saved frame.
    public static let errorMarker = "blendbatch-error: "
    static let warningMarker = "blendbatch-warning: "
    static let frameMarker = "blendbatch-frame: "
    /// Set when Blender said it could not open a display or GPU context (EEVEE, Workbench in background).
    public private(set) var noDisplay = false
    /// Set when a write failed with "No space left on device".
    public private(set) var diskFull = false

    public mutating func parse(_ rawLine: String) -> [BlenderEvent] {
        let line = Self.stripPrefix(rawLine)
        if line.hasPrefix("Fra:") {
            var events: [BlenderEvent] = []
            guard let frame = Self.leadingInt(line.dropFirst(4)) else { return [] }
            if frame != currentFrame {
                currentFrame = frame
                events.append(.frameStarted(frame))
            }
            if let (done, total) = Self.sampleProgress(line) {
                events.append(.sample(frame: frame, done: done, total: total))
            }
            return events
        }
        if line.hasPrefix(Self.frameMarker) {
            guard let frame = try? JSONDecoder().decode(DriverFrame.self, from: Data(line.dropFirst(Self.frameMarker.count).utf8)) else { return [] }
            return [.frameWritten(frame)]
        }
        if line.hasPrefix(Self.warningMarker) { return [.warning(String(line.dropFirst(Self.warningMarker.count)))] }
        if line.contains("Unable to open a display") || line.contains("Failed to initialize EGL") {
            noDisplay = true
        }
        if line.contains("No space left on device") { diskFull = true }
        if line.hasPrefix("Saved: '") {
            let path = line.dropFirst("Saved: '".count)
            return [.saved(frame: currentFrame, path: String(path.hasSuffix("'") ? path.dropLast() : path))]
        }
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("Time: "), let seconds = Self.duration(trimmed.dropFirst("Time: ".count)) {
            return [.frameTime(frame: currentFrame, seconds: seconds)]
        }
        for prefix in [Self.errorMarker, "Error: ", "ERROR: "] where line.hasPrefix(prefix) {
            let message = String(line.dropFirst(prefix == Self.errorMarker ? prefix.count : 0))
            lastError = message
            return [.error(message)]
        }
        // The last line of a Python traceback: `SomethingError: message`.
        if let colon = line.firstIndex(of: ":"), line[..<colon].hasSuffix("Error") || line[..<colon].hasSuffix("Exception"),
           !line[..<colon].contains(" ") {
            lastError = String(line)
            return [.error(String(line))]
        }
        return []
    }

    /// Remove Blender 5's log prefix (`00:01.234  render           | `) when present.
    static func stripPrefix(_ line: String) -> Substring {
        guard !line.hasPrefix("Fra:"), let bar = line.range(of: "| ") else { return Substring(line) }
        let head = line[..<bar.lowerBound]
        let words = head.split(separator: " ")
        guard let last = words.last, last == "render" || last.hasPrefix("render."),
              words.dropLast().allSatisfy({ $0.allSatisfy { $0.isNumber || $0 == ":" || $0 == "." } }) else { return Substring(line) }
        return line[bar.upperBound...]
    }

    /// `Sample 3/16` (Cycles) or `Rendering 3 / 64 samples` (EEVEE), from the last `|` field.
    /// Works on UTF-8 bytes: this runs for nearly every line Blender prints while it renders.
    static func sampleProgress(_ line: Substring) -> (Int, Int)? {
        let bytes = line.utf8
        let field = bytes.lastIndex(of: UInt8(ascii: "|")).map { bytes[bytes.index(after: $0)...] } ?? bytes[...]
        let words = field.split(separator: UInt8(ascii: " "))
        if let index = words.lastIndex(where: { $0.elementsEqual("Sample".utf8) }), index + 1 < words.count {
            let parts = words[index + 1].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            if parts.count == 2, let done = decimal(parts[0]), let total = decimal(parts[1]) { return (done, total) }
        }
        if words.count >= 5, words[0].elementsEqual("Rendering".utf8), words[2].elementsEqual("/".utf8),
           words[4].elementsEqual("samples".utf8), let done = decimal(words[1]), let total = decimal(words[3]) {
            return (done, total)
        }
        return nil
    }

    /// A non-negative decimal number written in ASCII digits only.
    static func decimal(_ digits: Substring.UTF8View.SubSequence) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `00:01.25`, `01:02:03.50` or `12.5` → seconds (stops at the first space).
    static func duration(_ text: Substring) -> Double? {
        let token = text.prefix { $0 != " " }
        var seconds = 0.0
        for part in token.split(separator: ":", omittingEmptySubsequences: false) {
            guard let value = Double(part) else { return nil }
            seconds = seconds * 60 + value
        }
        return token.isEmpty ? nil : seconds
    }

    static func leadingInt(_ text: Substring) -> Int? {
        var end = text.startIndex
        if end < text.endIndex, text[end] == "-" { end = text.index(after: end) }
        while end < text.endIndex, text[end].isASCII, text[end].isNumber { end = text.index(after: end) }
        return Int(text[text.startIndex..<end])
    }
}
