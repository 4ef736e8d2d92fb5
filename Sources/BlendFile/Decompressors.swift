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
        limitWindow(dctx)
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
            let result = zstdStep(dctx, inputChunk, position: &inputPos, into: &out, produced: &produced)
            if ZSTD_isError(result) != 0 { throw zstdFailure(result) }
            lastResult = result
        }
        out.removeSubrange(produced...)
        buffer = out; bufferIndex = 0
        return true
    }
}

/// Blender's seekable zstd (independent frames + a seek table in a trailing skippable frame):
/// frames are decoded one at a time, in pieces (never a whole frame in memory), and frames lying
/// wholly inside skipped blocks never are.
final class ZstdSeekableStream: ByteStream {
    struct Frame { let compressedOffset: Int; let compressedSize: Int; let offset: Int; let size: Int }
    /// Largest decoded frame accepted: Blender writes frames of 1–2 MiB.
    static let maxFrameSize = 64 << 20
    /// Most frames accepted (256 GiB of Blender's frames): the table is held in memory.
    static let maxFrames = 1 << 18
    private let input: RandomAccessInput
    private let frames: [Frame]
    private let total: Int
    private let dctx: OpaquePointer
    private var frameIndex = 0
    /// The frame being decoded (nil: none), where its next compressed byte is, the decoded
    /// offset of its next output byte, and whether it has ended.
    private var current: Int?
    private var compressedAt = 0
    private var decodedAt = 0
    private var frameEnded = false
    private var inputChunk: [UInt8] = []
    private var inputPos = 0

    /// The seek table of `input`, or nil when it has none or it is inconsistent (then the
    /// caller falls back to `ZstdStream`, as Blender does). Throws when it claims frames or a
    /// frame count beyond this reader's limits.
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
        guard count <= maxFrames else {
            throw StreamFailure(kind: .decompression("zstd seek table lists \(count) frames, more than the \(maxFrames) this reader accepts"))
        }
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
        guard c == start else { return nil }
        if let i = frames.firstIndex(where: { $0.size > maxFrameSize }) {
            throw StreamFailure(kind: .decompression("zstd frame \(i) claims \(frames[i].size) bytes; Blender writes frames of 1–2 MiB (limit \(maxFrameSize >> 20) MiB)"))
        }
        return frames
    }

    init(_ input: RandomAccessInput, frames: [Frame]) throws {
        self.input = input
        self.frames = frames
        self.total = frames.last.map { $0.offset + $0.size } ?? 0
        guard let d = ZSTD_createDCtx() else { throw StreamFailure(kind: .decompression("zstd init failed")) }
        dctx = d
        super.init()
        limitWindow(dctx)
    }

    deinit { ZSTD_freeDCtx(dctx) }

    override var knownLength: Int? { total }

    override func refill() throws -> Bool {
        while frameIndex < frames.count, frames[frameIndex].offset + frames[frameIndex].size <= position {
            frameIndex += 1
        }
        guard frameIndex < frames.count else { return false }
        if current != frameIndex || decodedAt > position { start(frameIndex) }
        while true {
            let pieceStart = decodedAt
            let piece = try decodePiece()
            if decodedAt > position {
                buffer = piece
                bufferIndex = position - pieceStart
                return true
            }
        }
    }

    override func skipWithoutDecoding(_ count: Int) throws -> Int? {
        max(0, min(count, total - position))
    }

    private func start(_ index: Int) {
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)
        current = index
        compressedAt = frames[index].compressedOffset
        decodedAt = frames[index].offset
        frameEnded = false
        inputChunk = []; inputPos = 0
    }

    /// The next decoded piece (at most `ZSTD_DStreamOutSize()` bytes) of the current frame,
    /// checked against the seek table's sizes.
    private func decodePiece() throws -> [UInt8] {
        let index = current ?? 0, f = frames[index]
        var out = uninitializedBytes(Int(ZSTD_DStreamOutSize()))
        var produced = 0
        while produced == 0 {
            if frameEnded {
                throw StreamFailure(kind: .decompression("zstd frame \(index) holds \(decodedAt - f.offset) bytes, seek table says \(f.size)"))
            }
            if inputPos >= inputChunk.count {
                let left = f.compressedOffset + f.compressedSize - compressedAt
                inputChunk = left > 0 ? try input.read(at: compressedAt, count: min(left, Int(ZSTD_DStreamInSize()))) : []
                guard !inputChunk.isEmpty else {
                    throw StreamFailure(kind: .decompression("zstd frame \(index) is truncated"))
                }
                compressedAt += inputChunk.count; inputPos = 0
            }
            let result = zstdStep(dctx, inputChunk, position: &inputPos, into: &out, produced: &produced)
            if ZSTD_isError(result) != 0 { throw zstdFailure(result, frame: index) }
            if result == 0 { frameEnded = true }
            decodedAt += produced
            if decodedAt - f.offset > f.size {
                throw StreamFailure(kind: .decompression("zstd frame \(index) holds more than the \(f.size) bytes its seek table says"))
            }
        }
        out.removeSubrange(produced...)
        return out
    }
}

/// Largest zstd window accepted (`--long` and `--ultra` files need more): a decoder holds its
/// window in memory. Blender's frames and `zstd -19` stay within 8 MiB.
let zstdMaxWindowLog: Int32 = 24

/// Refuse frames whose window exceeds `zstdMaxWindowLog`.
/// One `ZSTD_decompressStream` call: `input` from `position` (advanced) into `output` from its start;
/// `produced` is set to the bytes written. Returns zstd's result code.
func zstdStep(_ dctx: OpaquePointer, _ input: [UInt8], position: inout Int, into output: inout [UInt8], produced: inout Int) -> Int {
    input.withUnsafeBytes { inBuf in
        output.withUnsafeMutableBytes { outBuf in
            var i = ZSTD_inBuffer(src: inBuf.baseAddress, size: inBuf.count, pos: position)
            var o = ZSTD_outBuffer(dst: outBuf.baseAddress, size: outBuf.count, pos: 0)
            let r = ZSTD_decompressStream(dctx, &o, &i)
            position = i.pos; produced = o.pos
            return r
        }
    }
}

func limitWindow(_ dctx: OpaquePointer) {
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, zstdMaxWindowLog)
}

/// The failure for zstd error `code` (in `frame`, when known), in words a user can act on.
func zstdFailure(_ code: Int, frame: Int? = nil) -> StreamFailure {
    let place = frame.map { "zstd frame \($0)" } ?? "zstd"
    if ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge {
        return StreamFailure(kind: .decompression("\(place) needs a window over \(1 << (zstdMaxWindowLog - 20)) MiB (written with zstd --long or --ultra?): recompress it with plain zstd, or save it from Blender"))
    }
    return StreamFailure(kind: .decompression("\(place): \(String(cString: ZSTD_getErrorName(code)))"))
}

/// A buffer for a decoder to fill (not zeroed first: every byte kept is written by the decoder,
/// and callers trim to what it produced).
func uninitializedBytes(_ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

@inline(__always) func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
}
