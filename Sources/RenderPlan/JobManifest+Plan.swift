import Foundation

/// Why a manifest cannot be used.
public enum ManifestError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, reason: String)
    case newerVersion(Int)
    case noChunk(index: Int, count: Int)
    case emptyFrames
    /// A field holds what no planner makes and what would reach outside the job's folders.
    case invalid(String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return "\(source): not a blendbatch job manifest (\(reason))"
        case .newerVersion(let version):
            return "manifest version \(version) is newer than this blendbatch understands (\(JobManifest.currentVersion)); upgrade blendbatch"
        case .noChunk(let index, let count):
            return "array index \(index) is out of range: the job has \(count) task\(count == 1 ? "" : "s") (0-\(count - 1))"
        case .emptyFrames: return "the job has no frames to render"
        case .invalid(let source, let reason): return "\(source): \(reason)"
        }
    }
}

extension JobManifest {
    /// Plan a job: cut `frames` into chunks and fill in the manifest.
    public static func plan(id: String, input: String, scene: String?, frames: FrameSet, chunking: Chunking,
                            minimumTasks: Int = 1, overrides: RenderOverrides, output: OutputSpec,
                            stitch: StitchSpec?) throws(ManifestError) -> JobManifest {
        guard !frames.isEmpty else { throw .emptyFrames }
        let chunks = chunking.chunks(of: frames, minimumTasks: minimumTasks).enumerated().map {
            FrameChunk(index: $0.offset, frames: $0.element.frames)
        }
        return JobManifest(id: id, input: input, scene: scene, overrides: overrides, chunks: chunks,
                           output: output, stitch: stitch)
    }

    /// A fresh job id: `<yyyyMMdd-HHmmss>-<name>-<4 hex>`, sortable by time, safe in paths and keys.
    public static func newID(name: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(40))
        return "\(formatter.string(from: date))-\(safe.isEmpty ? "job" : safe)-\(String(format: "%04x", UInt16.random(in: 0...UInt16.max)))"
    }

    /// The chunk an array task with `index` renders.
    public func chunk(at index: Int) throws(ManifestError) -> FrameChunk {
        guard chunks.indices.contains(index) else { throw .noChunk(index: index, count: chunks.count) }
        return chunks[index]
    }

    /// The manifest as pretty, stable JSON.
    public func encoded() throws -> Data {
        try StableJSON.encoder.encode(self)
    }

    /// Decode a manifest, refusing versions newer than this build. `source` names it in errors.
    public static func decode(_ data: Data, source: String = "manifest") throws(ManifestError) -> JobManifest {
        struct Version: Decodable { var version: Int? }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let version = (try? decoder.decode(Version.self, from: data))?.version, version > currentVersion {
            throw .newerVersion(version)
        }
        let manifest: JobManifest
        do {
            manifest = try decoder.decode(JobManifest.self, from: data)
        } catch let error as DecodingError {
            throw .unreadable(source, reason: Self.describe(error))
        } catch {
            throw .unreadable(source, reason: "\(error)")
        }
        try manifest.validate(source: source)
        return manifest
    }

    /// Longest job id accepted (`newID` makes at most 61 characters).
    public static let maxIDLength = 128
    /// Frame-number digits accepted in frame names.
    public static let paddingRange = 1...12

    /// Refuse what would make paths or keys leave the job's folders, or exhaust memory: an id outside
    /// `newID`'s alphabet (letters, digits, `-`, `_`), an output name with `/` or a leading `.`, a
    /// format that is not a word, a padding outside 1-12.
    public func validate(source: String = "manifest") throws(ManifestError) {
        let idAlphabet = id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard !id.isEmpty, id.count <= Self.maxIDLength, idAlphabet else {
            throw .invalid(source, reason: "job id '\(id.prefix(80))' is not a job id (letters, digits, '-' and '_', at most \(Self.maxIDLength))")
        }
        guard !output.name.isEmpty, !output.name.contains("/"), !output.name.hasPrefix("."), !output.name.contains("\0") else {
            throw .invalid(source, reason: "output name '\(output.name.prefix(80))' would leave the frames folder (no '/', no leading '.')")
        }
        guard !output.format.isEmpty, output.format.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .invalid(source, reason: "output format '\(output.format.prefix(80))' is not a Blender file format (PNG, JPEG, OPEN_EXR)")
        }
        guard Self.paddingRange.contains(output.padding) else {
            throw .invalid(source, reason: "output padding \(output.padding) is outside \(Self.paddingRange.lowerBound)-\(Self.paddingRange.upperBound) digits")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.debugDescription
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        @unknown default: return "\(error)"
        }
    }
}

extension FrameChunk {
    /// The chunk's frames as a set.
    public var frameSet: FrameSet { FrameSet(frames) }
}

extension JobManifest {
    /// The keys that must be in the store for a frame of this job to be done: the frame, and the marker
    /// of the job's fingerprint (it was made with these settings) when the job has one.
    public func doneKeys(_ frame: Int) -> [String] {
        guard let fingerprint else { return [output.frameKey(frame)] }
        return [output.frameKey(frame), output.fingerprintKey(frame, fingerprint: fingerprint)]
    }

    /// The prefixes whose listings find every `doneKeys`.
    public var donePrefixes: [String] {
        ["frames/"] + (fingerprint.map { [OutputSpec.fingerprintPrefix($0)] } ?? [])
    }

    /// The job's frames that are done, given the keys listed under `donePrefixes`.
    public func framesDone(among keys: Set<String>) -> Set<Int> {
        Set(allFrames.filter { doneKeys($0).allSatisfy(keys.contains) })
    }
}
