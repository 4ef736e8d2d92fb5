import Foundation

/// The shared test data (`../shared/testdata`, found by TestSupport) and this repository's fixtures.
enum TestFiles {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func blendBat(_ name: String) -> String { TestSupport.blendBat(name) }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: blendBat(name))))
    }

    /// A fresh temporary folder, removed by the caller.
    static func tempDir(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("blendfile-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Run a program, returning its exit status; its stdout is written to `stdout` when given.
    @discardableResult
    static func run(_ exe: String, _ args: [String], stdout: URL? = nil) throws -> Int32 {
        let result = try CLIRunner.runTool(exe, args)
        if let stdout { try result.stdoutData.write(to: stdout) }
        return result.status
    }

    /// Converts an uncompressed legacy 64-bit little-endian file into Blender 5's container:
    /// 17-byte header and 32-byte block headers; payloads untouched (blend-format.md §14.3).
    static func convertToV1(_ b: [UInt8]) -> [UInt8] {
        func le(_ o: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) } }
        func bytes(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let version = Int(String(decoding: b[9..<12], as: UTF8.self))!
        var out = Array(String(format: "BLENDER17-01v%04d", version).utf8)
        var o = 12
        while o + 24 <= b.count {
            let code = Array(b[o..<o + 4]), len = le(o + 4, 4), old = le(o + 8, 8)
            let sdna = le(o + 16, 4), nr = le(o + 20, 4)
            out += code + bytes(sdna, 4) + bytes(old, 8) + bytes(len, 8) + bytes(nr, 8)
            if code == Array("ENDB".utf8) { break }
            out += b[o + 24..<o + 24 + len]
            o += 24 + len
        }
        return out
    }
}
