import Foundation
import RenderPlan
import Testing
@testable import Chaos

@Suite("FrameVerifier")
struct FrameVerifierTests {
    /// A 4×4 RGB PNG written by the stand-in worker's recipe (zlib via Foundation is not available, so a stored block).
    static let png: Data = {
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            let length = UInt32(body.count), crc = crc32(typed)
            return withUnsafeBytes(of: length.bigEndian, Array.init) + typed + withUnsafeBytes(of: crc.bigEndian, Array.init)
        }
        let raw = [UInt8]((0..<4).flatMap { _ in [0] + [UInt8](repeating: 0x80, count: 12) })
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count & 0xFF), UInt8(raw.count >> 8), ~UInt8(raw.count & 0xFF), ~UInt8(raw.count >> 8)] + raw
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += withUnsafeBytes(of: (b << 16 | a).bigEndian, Array.init)
        let header: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", []))
    }()

    @Test("a whole PNG passes; truncated or bit-flipped ones fail")
    func pngStructure() {
        #expect(FrameVerifier.isWellFormedPNG(Self.png))
        #expect(!FrameVerifier.isWellFormedPNG(Self.png.prefix(Self.png.count - 5)))
        var flipped = Self.png
        flipped[40] ^= 0x01
        #expect(!FrameVerifier.isWellFormedPNG(flipped))
        #expect(!FrameVerifier.isWellFormedPNG(Data("not a png".utf8)))
    }

    @Test("lost, duplicate, leftover and corrupt frames are each reported; FFmpeg decodes the rest")
    func verify() throws {
        let out = NSTemporaryDirectory() + "bb-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: out + "/frames", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let manifest = JobManifest(id: "v", input: "x.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1, 2, 3, 4])],
                                   output: OutputSpec(location: out, name: "demo"), stitch: nil)
        for frame in [1, 2] { try Self.png.write(to: URL(fileURLWithPath: out + "/frames/demo_000\(frame).png")) }
        try Self.png.prefix(30).write(to: URL(fileURLWithPath: out + "/frames/demo_0003.png"))
        try Self.png.write(to: URL(fileURLWithPath: out + "/frames/demo_0001 (1).png"))
        try Data().write(to: URL(fileURLWithPath: out + "/frames/.bb-tmp-123-demo_0004.png"))
        try "Saved: '/tmp/x/demo_0002.png'\nSaved: '/tmp/y/demo_0002.png'\n".write(toFile: out + "/task-0.1.log", atomically: true, encoding: .utf8)
        let result = FrameVerifier(manifest: manifest, folder: out).verify(logsFolder: out)
        #expect(result.expected == 4 && result.delivered == 3)
        #expect(result.lost == [4] && result.corrupt == ["demo_0003.png"])
        #expect(result.duplicates == ["demo_0001 (1).png"] && result.leftovers.count == 1)
        #expect(result.rerendered == [2])
        #expect(!result.isClean)
    }
}
