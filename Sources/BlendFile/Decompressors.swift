import CZlib
import CZstd

/// Whole-file gzip (Blender ≤ 2.9x "Compress"), decoded as a stream.
final class GzipStream: ByteStream {
    private let input: RandomAccessInput
    private var inputOffset = 0
    private var inputChunk: [UInt8] = []
    private var z = z_stream()
    private var finished = false

    init(_ input: RandomAccessInput) throws {
        self.input = input
        super.init()
        let rc = inflateInit2_(&z, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw StreamFailure(kind: .decompression("zlib init failed (\(rc))")) }
    }

    deinit { inflateEnd(&z) }

    override func refill() throws -> Bool {
        guard !finished else { return false }
        var out = uninitializedBytes(256 << 10)
        var produced = 0
        while produced == 0 && !finished {
            if z.avail_in == 0 {
                inputChunk = try input.read(at: inputOffset, count: 256 << 10)
                inputOffset += inputChunk.count
                if inputChunk.isEmpty {
                    throw StreamFailure(kind: .decompression("gzip stream ends early (file truncated?)"))
                }
                z.avail_in = UInt32(inputChunk.count)
            }
            let consumedBefore = inputChunk.count - Int(z.avail_in)
            let rc: Int32 = inputChunk.withUnsafeMutableBufferPointer { inBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    z.next_in = inBuf.baseAddress! + consumedBefore
                    z.next_out = outBuf.baseAddress!
                    z.avail_out = UInt32(outBuf.count)
                    let rc = inflate(&z, Z_NO_FLUSH)
                    produced = outBuf.count - Int(z.avail_out)
                    return rc
                }
            }
            if rc == Z_STREAM_END { finished = true }
            else if rc != Z_OK && rc != Z_BUF_ERROR {
                let msg = z.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw StreamFailure(kind: .decompression("gzip: \(msg)"))
            }
        }
        out.removeSubrange(produced...)
        buffer = out; bufferIndex = 0
        return produced > 0
    }
}

/// zstd frames decoded as one stream (files without Blender's seek table, e.g. `zstd` CLI
/// output). Skippable frames are skipped by libzstd.
final class ZstdStream: ByteStream {
    private let input: RandomAccessInput
    private var inputOffset: Int
    private var inputChunk: [UInt8] = []
    private var inputPos = 0
    private let dctx: OpaquePointer
    private var lastResult = 0

    init(_ input: RandomAccessInput, startingAt offset: Int = 0) throws {
        self.input = input
        self.inputOffset = offset
        guard let d = ZSTD_createDStream() else { throw StreamFailure(kind: .decompression("zstd init failed")) }
        dctx = d
        super.init()
    }

    deinit { ZSTD_freeDStream(dctx) }

    override func refill() throws -> Bool {
        var out = uninitializedBytes(Int(ZSTD_DStreamOutSize()))
        var produced = 0
        while produced == 0 {
            if inputPos >= inputChunk.count {
                inputChunk = try input.read(at: inputOffset, count: Int(ZSTD_DStreamInSize()))
                inputOffset += inputChunk.count; inputPos = 0
                if inputChunk.isEmpty {
                    if lastResult != 0 {
                        throw StreamFailure(kind: .decompression("zstd stream ends inside a frame (file truncated?)"))
                    }
                    return false
                }
            }
            let result: Int = inputChunk.withUnsafeBytes { inBuf in
                out.withUnsafeMutableBytes { outBuf in
                    var i = ZSTD_inBuffer(src: inBuf.baseAddress, size: inBuf.count, pos: inputPos)
                    var o = ZSTD_outBuffer(dst: outBuf.baseAddress, size: outBuf.count, pos: 0)
                    let r = ZSTD_decompressStream(dctx, &o, &i)
                    inputPos = i.pos; produced = o.pos
                    return r
                }
            }
            if ZSTD_isError(result) != 0 {
                throw StreamFailure(kind: .decompression("zstd: \(String(cString: ZSTD_getErrorName(result)))"))
            }
            lastResult = result
        }
        out.removeSubrange(produced...)
        buffer = out; bufferIndex = 0
        return true
    }
}

/// Blender's seekable zstd (independent frames + a seek table in a trailing skippable frame):
/// frames are decoded one at a time, and frames lying wholly inside skipped blocks never are.
final class ZstdSeekableStream: ByteStream {
    struct Frame { let compressedOffset: Int; let compressedSize: Int; let offset: Int; let size: Int }
    private let input: RandomAccessInput
    private let frames: [Frame]
    private let total: Int
    private let dctx: OpaquePointer
    private var frameIndex = 0

    /// The seek table of `input`, or nil when it has none or it is inconsistent (then the
    /// caller falls back to `ZstdStream`, as Blender does).
    static func seekTable(of input: RandomAccessInput) throws -> [Frame]? {
        let size = input.size
        guard size >= 17 else { return nil }
        let footer = try input.read(at: size - 9, count: 9)
        guard footer.count == 9, le32(footer, 5) == 0x8F92_EAB1 else { return nil }
        let flags = footer[4]
        guard flags & 0x7C == 0 else { return nil }
        let entry = flags & 0x80 != 0 ? 12 : 8
        let count = Int(le32(footer, 0))
        let frameSize = count * entry + 9
        guard count > 0, count <= size / 8, frameSize + 8 <= size else { return nil }
        let start = size - 8 - frameSize
        let table = try input.read(at: start, count: frameSize + 8)
        guard table.count == frameSize + 8, le32(table, 0) == 0x184D_2A5E,
              Int(le32(table, 4)) == frameSize else { return nil }
        var frames: [Frame] = []
        frames.reserveCapacity(count)
        var c = 0, d = 0
        for i in 0..<count {
            let cs = Int(le32(table, 8 + i * entry)), ds = Int(le32(table, 12 + i * entry))
            frames.append(Frame(compressedOffset: c, compressedSize: cs, offset: d, size: ds))
            c += cs; d += ds
        }
        return c == start ? frames : nil
    }

    init(_ input: RandomAccessInput, frames: [Frame]) throws {
        self.input = input
        self.frames = frames
        self.total = frames.last.map { $0.offset + $0.size } ?? 0
        guard let d = ZSTD_createDCtx() else { throw StreamFailure(kind: .decompression("zstd init failed")) }
        dctx = d
        super.init()
    }

    deinit { ZSTD_freeDCtx(dctx) }

    override var knownLength: Int? { total }

    override func refill() throws -> Bool {
        while frameIndex < frames.count, frames[frameIndex].offset + frames[frameIndex].size <= position {
            frameIndex += 1
        }
        guard frameIndex < frames.count else { return false }
        let f = frames[frameIndex]
        guard f.size <= 1 << 30 else { throw StreamFailure(kind: .decompression("zstd frame \(frameIndex) claims \(f.size) bytes")) }
        let src = try input.read(at: f.compressedOffset, count: f.compressedSize)
        guard src.count == f.compressedSize else {
            throw StreamFailure(kind: .decompression("zstd frame \(frameIndex) is truncated"))
        }
        var out = uninitializedBytes(f.size)
        let r = out.withUnsafeMutableBytes { o in
            src.withUnsafeBytes { s in ZSTD_decompressDCtx(dctx, o.baseAddress, o.count, s.baseAddress, s.count) }
        }
        if ZSTD_isError(r) != 0 {
            throw StreamFailure(kind: .decompression("zstd frame \(frameIndex): \(String(cString: ZSTD_getErrorName(r)))"))
        }
        guard r == f.size else {
            throw StreamFailure(kind: .decompression("zstd frame \(frameIndex) holds \(r) bytes, seek table says \(f.size)"))
        }
        buffer = out
        bufferIndex = position - f.offset
        return true
    }

    override func skipWithoutDecoding(_ count: Int) throws -> Int? {
        max(0, min(count, total - position))
    }
}

/// A buffer for a decoder to fill (not zeroed first: every byte kept is written by the decoder,
/// and callers trim to what it produced).
func uninitializedBytes(_ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

@inline(__always) func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
}
