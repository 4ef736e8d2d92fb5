import Foundation

/// Why a manifest cannot be used.
public enum ManifestError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, reason: String)
    case newerVersion(Int)
    case noChunk(index: Int, count: Int)
    case emptyFrames

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return "\(source): not a blendbatch job manifest (\(reason))"
        case .newerVersion(let version):
            return "manifest version \(version) is newer than this blendbatch understands (\(JobManifest.currentVersion)); upgrade blendbatch"
        case .noChunk(let index, let count):
            return "array index \(index) is out of range: the job has \(count) task\(count == 1 ? "" : "s") (0-\(count - 1))"
        case .emptyFrames: return "the job has no frames to render"
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
        do {
            return try decoder.decode(JobManifest.self, from: data)
        } catch let error as DecodingError {
            throw .unreadable(source, reason: Self.describe(error))
        } catch {
            throw .unreadable(source, reason: "\(error)")
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
