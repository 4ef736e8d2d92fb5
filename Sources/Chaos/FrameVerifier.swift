import Foundation
import RenderPlan

/// Checks a finished job's output folder: every expected frame there once, every image whole.
public struct FrameVerifier: Sendable {
    public let manifest: JobManifest
    /// The output folder (the manifest's local output location).
    public let folder: String
    /// Decode each image with FFmpeg as well as checking its structure (slower, thorough).
    public var decodeWithFFmpeg: Bool

    public init(manifest: JobManifest, folder: String, decodeWithFFmpeg: Bool = true) {
        self.manifest = manifest
        self.folder = folder
        self.decodeWithFFmpeg = decodeWithFFmpeg && Self.which("ffmpeg") != nil
    }

    public struct Result: Sendable, Equatable, Codable {
        public var expected: Int
        public var delivered: Int
        public var lost: [Int]
        /// Visible files in `frames/` beyond one per expected frame (a second copy, an unexpected name).
        public var duplicates: [String]
        /// Hidden temp files of writes that never finished (never counted as frames).
        public var leftovers: [String]
        /// Frames Blender saved more than once over the job's attempts (per the task logs): work
        /// redone after an interruption hit between Blender's save and the store's rename.
        public var rerendered: [Int]
        public var corrupt: [String]
        /// Nothing lost, duplicated or corrupt.
        public var isClean: Bool { lost.isEmpty && duplicates.isEmpty && corrupt.isEmpty }
    }

    public func verify(logsFolder: String?) -> Result {
        let framesFolder = folder + "/frames"
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: framesFolder)) ?? [])
        var expectedNames: [String: Int] = [:]
        for frame in manifest.allFrames { expectedNames[String(manifest.output.frameKey(frame).dropFirst("frames/".count))] = frame }
        let delivered = files.filter { expectedNames[$0] != nil }
        let lost = expectedNames.filter { !files.contains($0.key) }.map(\.value).sorted()
        let others = files.filter { expectedNames[$0] == nil }.sorted()
        let corrupt = delivered.sorted().filter { !isWholeImage(framesFolder + "/" + $0) }
        return Result(expected: expectedNames.count, delivered: delivered.count, lost: lost,
                      duplicates: others.filter { !$0.hasPrefix(".") }, leftovers: others.filter { $0.hasPrefix(".") },
                      rerendered: logsFolder.map(rerenderedFrames) ?? [], corrupt: corrupt)
    }

    /// Whether the image at `path` is complete: PNG chunk structure and CRCs, then (if enabled) a
    /// full decode by FFmpeg.
    public func isWholeImage(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return false }
        if manifest.output.format.uppercased() == "PNG", !Self.isWellFormedPNG(data) { return false }
        if decodeWithFFmpeg {
            let result = Self.run(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-f", "null", "-"])
            return result.status == 0 && result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        return true
    }

    /// PNG signature, every chunk's length and CRC, IHDR first and IEND last.
    public static func isWellFormedPNG(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 + 12 + 13 + 12, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return false }
        var offset = 8
        var first = true
        while offset + 12 <= bytes.count {
            let length = Int(UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3]))
            guard offset + 12 + length <= bytes.count else { return false }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            if first && type != "IHDR" { return false }
            first = false
            let stored = bytes[offset + 8 + length..<offset + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard crc32(bytes[offset + 4..<offset + 8 + length]) == stored else { return false }
            offset += 12 + length
            if type == "IEND" { return offset == bytes.count }
        }
        return false
    }

    /// Frames with more than one Blender `Saved:` line across the task logs.
    func rerenderedFrames(logsFolder: String) -> [Int] {
        var saves: [Int: Int] = [:]
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: logsFolder)) ?? []
        for log in logs where log.hasPrefix("task-") {
            guard let text = try? String(contentsOfFile: logsFolder + "/" + log, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let saved = line.range(of: "Saved: ") else { continue }
                if let frame = Self.frameNumber(inPath: line[saved.upperBound...]) { saves[frame, default: 0] += 1 }
            }
        }
        return saves.filter { $0.value > 1 }.map(\.key).sorted()
    }

    /// The frame number at the end of a file name: `…/name_0042.png'` → 42.
    static func frameNumber(inPath text: Substring) -> Int? {
        let name = text.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")).split(separator: "/").last ?? ""
        let stem = name.split(separator: ".").first ?? ""
        let digits = stem.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty else { return nil }
        return Int(String(digits.reversed()))
    }

    /// Frames in a video, counted by decoding it (`ffprobe -count_frames`); nil when it cannot be read.
    public static func videoFrameCount(_ path: String) -> Int? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let result = run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
        return result.status == 0 ? Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }

    static func run(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func which(_ program: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

private let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}
