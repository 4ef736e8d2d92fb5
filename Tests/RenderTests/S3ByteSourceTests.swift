import AWSCore
import BlendFile
import CZstd
import Foundation
import ObjectStore
import Testing
@testable import Render

/// The .blend reader over ranged GETs, against moto (BLENDBATCH_MOTO_URL).
@Suite("S3ByteSource against moto", .serialized)
struct S3ByteSourceTests {
    static let moto = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static func store() async throws -> S3Store {
        var configuration = AWSConfiguration(
            region: "us-east-1",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")),
            environment: AWSEnvironment(variables: ["AWS_ENDPOINT_URL": moto ?? "http://127.0.0.1:1"], homeDirectory: "/nonexistent"))
        configuration.s3ForcePathStyle = true
        let client = AWSClient(configuration: configuration)
        let bucket = "bytesource-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        return S3Store(bucket: bucket, client: client)
    }

    /// Offset of DNA1 in an uncompressed 64-bit little-endian file.
    static func dnaOffset(_ bytes: [UInt8]) -> Int {
        func le(_ o: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[o + $1]) << (8 * $1) } }
        var o = 12
        while !bytes[o..<o + 4].elementsEqual("DNA1".utf8) { o += 24 + le(o + 4) }
        return o
    }

    /// `bytes` with `count` DATA blocks of `size` bytes inserted before DNA1, filled with `fill`
    /// repeated (default: the block's index).
    static func withDataBlocks(_ bytes: [UInt8], count: Int, size: Int, fill: [UInt8]? = nil) -> [UInt8] {
        let o = dnaOffset(bytes)
        var out = Array(bytes[..<o])
        for i in 0..<count {
            out += Array("DATA".utf8) + withUnsafeBytes(of: Int32(size).littleEndian, Array.init)
            out += withUnsafeBytes(of: UInt64(0x7F00_0000_0000 + i * size).littleEndian, Array.init)
            out += withUnsafeBytes(of: Int32(0).littleEndian, Array.init) + withUnsafeBytes(of: Int32(1).littleEndian, Array.init)
            if let fill {
                for start in stride(from: 0, to: size, by: fill.count) { out += fill.prefix(size - start) }
            } else {
                out += [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: size)
            }
        }
        return out + bytes[o...]
    }

    /// Upload `bytes` and read them back through an `S3ByteSource`.
    static func read(_ bytes: [UInt8], key: String, in store: S3Store) async throws -> (BlendInfo, S3ByteSource) {
        try await store.put(data: Data(bytes), key: key)
        let head = try #require(try await store.head(key: key))
        let source = S3ByteSource(store: store, key: key, size: Int(head.size), etag: head.etag)
        let info = try await BlendSource.onOwnThread { try BlendFileReader.read(source, name: "shot.blend") }
        return (info, source)
    }

    @Test("blocks larger than 64 KiB are never fetched: 64 blocks of 256 KiB cost a 4 KiB GET each; the same info",
          .requires(.moto))
    func skipsLargeBlocks() async throws {
        let store = try await Self.store()
        let base = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.blendBat("basic_file.blend"))))
        let (plain, plainSource) = try await Self.read(base, key: "plain.blend", in: store)
        let (big, bigSource) = try await Self.read(Self.withDataBlocks(base, count: 64, size: 256 << 10), key: "big.blend", in: store)
        try await store.delete(keys: ["plain.blend", "big.blend"])
        #expect(big == plain)
        // Beyond the plain file: one small window per DATA block, and a few windows where reading
        // turns into jumping and back (the grown window ending inside the first DATA block; DNA1,
        // 90 KiB, read on in the plain file's window but fetched anew after the last jump).
        let extraBytes = bigSource.bytesRead - plainSource.bytesRead
        let extraRequests = bigSource.requests - plainSource.requests
        #expect(extraBytes <= 64 * S3ByteSource.minWindow + (512 << 10), "\(extraBytes) bytes more")
        #expect(extraRequests <= 64 + 8, "\(extraRequests) GETs more")
        #expect(plainSource.bytesRead <= base.count)
    }

    /// `bytes` as Blender's seekable zstd: independent 1 MiB frames and a trailing seek table.
    static func seekableZstd(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], table: [UInt8] = []
        func le32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
        for start in stride(from: 0, to: bytes.count, by: 1 << 20) {
            let piece = Array(bytes[start..<min(bytes.count, start + (1 << 20))])
            var frame = [UInt8](repeating: 0, count: ZSTD_compressBound(piece.count))
            let n = frame.withUnsafeMutableBytes { f in piece.withUnsafeBytes { ZSTD_compress(f.baseAddress, f.count, $0.baseAddress, $0.count, 3) } }
            out += frame[..<n]
            table += le32(n) + le32(piece.count)
        }
        return out + le32(0x184D_2A5E) + le32(table.count + 9) + table + le32(table.count / 8) + [0] + le32(0x8F92_EAB1)
    }

    @Test("seekable zstd: frames wholly inside skipped blocks are never fetched; the same info", .requires(.moto))
    func skipsZstdFrames() async throws {
        let store = try await Self.store()
        let base = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.blendBat("basic_file.blend"))))
        // Incompressible payloads (1 MiB of noise, repeated), so that a fetched frame costs what it holds.
        let noise = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255) }
        let zstd = Self.seekableZstd(Self.withDataBlocks(base, count: 4, size: 8 << 20, fill: noise))
        let (plain, _) = try await Self.read(base, key: "plain.blend", in: store)
        let (info, source) = try await Self.read(zstd, key: "big.blend", in: store)
        try await store.delete(keys: ["plain.blend", "big.blend"])
        #expect(info.compression == .zstd && info.scenes == plain.scenes && info.dependencies == plain.dependencies)
        // 33 MiB in 1 MiB frames: the prefix's frame, each DATA header's frame, DNA1's: under 8 frames.
        #expect(source.bytesRead < 8 << 20, "\(source.bytesRead) of \(zstd.count) bytes in \(source.requests) GETs")
    }

    @Test("a store failure reaches the caller as itself, not as a corrupt .blend", .requires(.moto))
    func storeFailure() async throws {
        let store = try await Self.store()
        let base = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.blendBat("basic_file.blend"))))
        try await store.put(data: Data(base), key: "shot.blend")
        // An ETag of another version: every GET is refused with 412.
        let source = S3ByteSource(store: store, key: "shot.blend", size: base.count, etag: "\"0000\"")
        await #expect(throws: StoreError.self) {
            try await BlendSource.onOwnThread { try BlendFileReader.read(source, name: "shot.blend") }
        }
    }
}
