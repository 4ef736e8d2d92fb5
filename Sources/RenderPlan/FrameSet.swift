/// A set of frame numbers, always sorted and without duplicates.
///
/// Parsed from OpenJD's `IntRangeExpr` (`1-100`, `1-100:5`, `-10--1`, `10-1:-1`, `1,5,9-12`,
/// whitespace allowed; ranges whose frames span the same stretch are an error, as in OpenJD's
/// reference `openjd-model`, which the tests compare it with) and Blender's `a..b`; printed back in
/// the same grammar, compacted (`1-9:2,20-25`).
public struct FrameSet: Sendable, Hashable, Codable, CustomStringConvertible, Sequence {
    /// Blender's largest frame number (`MAXFRAME`); a set never holds more frames than this.
    public static let maximumCount = 1_048_574

    /// The frames, ascending, unique.
    public let frames: [Int]

    /// A set of the given frames (duplicates dropped, sorted).
    public init<S: Sequence>(_ frames: S) where S.Element == Int {
        self.frames = Array(Set(frames)).sorted()
    }

    /// Parse a frame-range expression. Throws a `FrameSetError` that says what and where.
    public init(parsing text: String) throws(FrameSetError) {
        var parser = FrameSetParser(text)
        self = try parser.parse()
    }

    /// A scene's own range, as Blender renders it with `-a`: `start...end` every `step` frames.
    public init(start: Int, end: Int, step: Int = 1) throws(FrameSetError) {
        guard step >= 1 else { throw .badStep(text: "\(start)-\(end):\(step)", step: step) }
        guard start <= end else { throw .reversed(text: "\(start)-\(end)", start: start, end: end) }
        let count = (end - start) / step + 1
        guard count <= Self.maximumCount else { throw .tooLarge(text: "\(start)-\(end):\(step)", count: count) }
        self.frames = Array(stride(from: start, through: end, by: step))
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try FrameSet(parsing: text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var count: Int { frames.count }
    public var isEmpty: Bool { frames.isEmpty }
    public var first: Int? { frames.first }
    public var last: Int? { frames.last }
    public func makeIterator() -> IndexingIterator<[Int]> { frames.makeIterator() }
    public func contains(_ frame: Int) -> Bool { binarySearch(frame) != nil }

    // MARK: Set operations

    public func union(_ other: FrameSet) -> FrameSet { FrameSet(frames + other.frames) }
    public func intersection(_ other: FrameSet) -> FrameSet { FrameSet(frames.filter(other.contains)) }
    public func subtracting(_ other: FrameSet) -> FrameSet { FrameSet(frames.filter { !other.contains($0) }) }
    public func symmetricDifference(_ other: FrameSet) -> FrameSet {
        subtracting(other).union(other.subtracting(self))
    }
    /// Every `n`th frame of the set, starting with the first (a preview pass).
    public func every(_ n: Int) -> FrameSet {
        FrameSet(frames.enumerated().filter { $0.offset % Swift.max(n, 1) == 0 }.map(\.element))
    }

    // MARK: Runs

    /// The set as maximal arithmetic runs, ascending: `[1,3,5,6,7]` → `1-5:2`, `6-7`.
    /// A run of two frames one apart is `start-end`; a lone frame has `step` 1 and `start == end`.
    public var runs: [FrameRun] {
        var runs: [FrameRun] = []
        var index = 0
        while index < frames.count {
            let start = frames[index]
            guard index + 1 < frames.count else { runs.append(FrameRun(start: start, end: start, step: 1)); break }
            let step = frames[index + 1] - start
            var end = index + 1
            while end + 1 < frames.count, frames[end + 1] - frames[end] == step { end += 1 }
            // Two frames far apart are better printed as a list than as a stepped range.
            if end == index + 1 && step > 1 {
                runs.append(FrameRun(start: start, end: start, step: 1))
                index += 1
            } else {
                runs.append(FrameRun(start: start, end: frames[end], step: step))
                index = end + 1
            }
        }
        return runs
    }

    /// True when the frames are consecutive (`a, a+1, …, b`).
    public var isContiguous: Bool {
        guard let first, let last else { return true }
        return last - first + 1 == count
    }

    /// The compact `IntRangeExpr` form, e.g. `1-9:2,20-25,30`; empty for the empty set.
    public var description: String { runs.map(\.description).joined(separator: ",") }

    private func binarySearch(_ frame: Int) -> Int? {
        var low = 0, high = frames.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if frames[mid] == frame { return mid }
            if frames[mid] < frame { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }
}

/// An arithmetic run of frames `start, start+step, …, end` (ascending, `end` on the stride).
public struct FrameRun: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public var step: Int

    public var count: Int { (end - start) / step + 1 }
    public var frames: StrideThrough<Int> { stride(from: start, through: end, by: step) }

    public var description: String {
        if start == end { return "\(start)" }
        return step == 1 ? "\(start)-\(end)" : "\(start)-\(end):\(step)"
    }
}

/// Why a frame-range expression was refused. `description` is one line for the user.
public enum FrameSetError: Error, Equatable, CustomStringConvertible {
    case empty(text: String)
    case syntax(text: String, position: Int, reason: String)
    case reversed(text: String, start: Int, end: Int)
    case badStep(text: String, step: Int)
    /// `first` spans frames `spans.0`, `second` spans `spans.1`, and the two stretches meet.
    case overlap(text: String, first: String, second: String, spans: ClosedRange<Int>, ClosedRange<Int>)
    case tooLarge(text: String, count: Int)

    public var description: String {
        switch self {
        case .empty(let text):
            return text.trimmingWhitespace.isEmpty
                ? "frame range is empty (write e.g. 1-100, 1-100:5 or 1,5,9-12)"
                : "frame range \"\(text)\" has no frames"
        case .syntax(let text, let position, let reason):
            return "frame range \"\(text)\": \(reason) at character \(position + 1)"
        case .reversed(let text, let start, let end):
            return "frame range \"\(text)\" runs backwards (\(start) > \(end)); write \(end)-\(start), or \(start)-\(end):-1 to count down"
        case .badStep(let text, let step):
            return step == 0
                ? "frame range \"\(text)\": the step cannot be 0"
                : "frame range \"\(text)\": step \(step) goes the wrong way (ascending ranges need a positive step, descending ones a negative step)"
        case .overlap(let text, let first, let second, let a, let b):
            return "frame range \"\(text)\": \"\(first)\" (frames \(a.lowerBound) to \(a.upperBound)) and \"\(second)\" "
                + "(frames \(b.lowerBound) to \(b.upperBound)) overlap; OpenJD ranges may not share a stretch of frames, "
                + "so list the frames or split the ranges"
        case .tooLarge(let text, let count):
            return "frame range \"\(text)\" has \(count) frames, more than Blender's limit of \(FrameSet.maximumCount)"
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// A small recursive-descent parser for `IntRangeExpr` plus Blender's `a..b`.
private struct FrameSetParser {
    let text: String
    let chars: [Character]
    var position = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    mutating func parse() throws(FrameSetError) -> FrameSet {
        guard chars.contains(where: { !$0.isWhitespace }) else { throw .empty(text: text) }
        // OpenJD: two elements may not span the same stretch of frames, judged on the frames each holds
        // (`1-10:4` spans 1 to 9, so `1-10:4,10-15` is fine; `1-9:2,2-10:2` interleave and are not).
        var spans: [(frames: ClosedRange<Int>, source: String)] = []
        var frames: [Int] = []
        repeat {
            skipSpaces()
            let elementStart = position
            let values = try element()
            let source = String(chars[elementStart..<position]).trimmingWhitespace
            let span = values.min()!...values.max()!
            if let other = spans.first(where: { $0.frames.overlaps(span) }) {
                throw .overlap(text: text, first: other.source, second: source, spans: other.frames, span)
            }
            spans.append((span, source))
            frames += values
            guard frames.count <= FrameSet.maximumCount else { throw .tooLarge(text: text, count: frames.count) }
            skipSpaces()
            if position < chars.count {
                guard chars[position] == "," else { throw .syntax(text: text, position: position, reason: "expected ',' between ranges, found '\(chars[position])'") }
                position += 1
            } else {
                break
            }
        } while true
        return FrameSet(frames)
    }

    /// `N`, `A-B`, `A..B`, optionally followed by `:STEP` on a range.
    mutating func element() throws(FrameSetError) -> [Int] {
        let elementStart = position
        let start = try integer()
        skipSpaces()
        guard position < chars.count, chars[position] != "," else { return [start] }
        if chars[position] == "-" {
            position += 1
        } else if chars[position] == ".", position + 1 < chars.count, chars[position + 1] == "." {
            position += 2
        } else {
            throw .syntax(text: text, position: position, reason: "expected '-', '..' or ',' after \(start), found '\(chars[position])'")
        }
        skipSpaces()
        let end = try integer()
        skipSpaces()
        var step: Int?
        if position < chars.count, chars[position] == ":" {
            position += 1
            skipSpaces()
            step = try integer()
            skipSpaces()
        }
        let source = String(chars[elementStart..<position]).trimmingWhitespace
        if let step {
            guard step != 0, start == end || (step > 0) == (end > start) else { throw .badStep(text: source, step: step) }
            let count = (abs(end - start)) / abs(step) + 1
            guard count <= FrameSet.maximumCount else { throw .tooLarge(text: text, count: count) }
            return Array(stride(from: start, through: end, by: step))
        }
        guard start <= end else { throw .reversed(text: source, start: start, end: end) }
        guard end - start < FrameSet.maximumCount else { throw .tooLarge(text: text, count: end - start + 1) }
        return Array(start...end)
    }

    /// An optionally negative decimal integer (OpenJD allows whitespace after the minus sign).
    mutating func integer() throws(FrameSetError) -> Int {
        let start = position
        let negative = position < chars.count && chars[position] == "-"
        if negative {
            position += 1
            skipSpaces()
        }
        let digitsStart = position
        while position < chars.count, chars[position].isASCII, chars[position].isNumber { position += 1 }
        guard position > digitsStart else {
            let found = position < chars.count ? "'\(chars[position])'" : "the end"
            throw .syntax(text: text, position: position, reason: "expected a frame number, found \(found)")
        }
        guard let magnitude = Int(String(chars[digitsStart..<position])), magnitude <= 1_000_000_000 else {
            throw .syntax(text: text, position: start, reason: "frame number out of range")
        }
        return negative ? -magnitude : magnitude
    }

    mutating func skipSpaces() {
        while position < chars.count, chars[position].isWhitespace { position += 1 }
    }
}
