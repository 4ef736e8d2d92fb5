import Foundation

/// A failure inside a stream, turned into a `BlendError` (with the file name) by the reader.
struct StreamFailure: Error { let kind: BlendError.Kind }

/// Random access to the raw (possibly compressed) bytes of a .blend: a file, a buffer, or an
/// object in a store (implemented where the store is known, e.g. with ranged GETs). The reader
/// asks only for the header, the blocks it decodes and, for gzip, the stream in order.
public protocol RandomAccessInput: AnyObject {
    /// Total size in bytes.
    var size: Int { get }
    /// Up to `count` bytes at `offset`; fewer only at the end.
    func read(at offset: Int, count: Int) throws -> [UInt8]
}

/// A file read with `pread`; nothing is mapped or loaded whole.
final class FileInput: RandomAccessInput {
    let fd: Int32
    let size: Int

    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StreamFailure(kind: .cannotOpen(String(cString: strerror(errno)))) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = String(cString: strerror(errno)); close(fd)
            throw StreamFailure(kind: .cannotOpen(why))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { close(fd); throw StreamFailure(kind: .cannotOpen("is a directory")) }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        let n = max(0, min(count, size - offset))
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        var done = 0
        while done < n {
            let r = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + done, n - done, off_t(offset + done))
            }
            if r < 0 {
                if errno == EINTR { continue }
                throw StreamFailure(kind: .cannotOpen("read error: \(String(cString: strerror(errno)))"))
            }
            if r == 0 { break }
            done += r
        }
        if done < n { out.removeSubrange(done...) }
        return out
    }
}

/// Bytes already in memory.
final class MemoryInput: RandomAccessInput {
    let bytes: [UInt8]
    var size: Int { bytes.count }
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + max(0, count))
        return offset < end ? Array(bytes[offset..<end]) : []
    }
}

/// A forward-only stream of the decoded .blend bytes. Subclasses produce decoded bytes in
/// `refill`; seekable ones also skip without decoding (`skipWithoutDecoding`).
class ByteStream {
    /// Offset of the next byte `read` returns, in the decoded stream.
    private(set) var position = 0
    /// Decoded bytes not yet consumed: `buffer[bufferIndex...]`.
    var buffer: [UInt8] = []
    var bufferIndex = 0

    /// Decoded length when known without decoding (plain file, zstd seek table).
    var knownLength: Int? { nil }

    /// Replace `buffer` with the next decoded bytes (from offset `position`); false at the end.
    func refill() throws -> Bool { false }

    /// Move `position` forward by up to `count` without decoding, if the stream can; returns
    /// how far it moved, or nil when it cannot (then bytes are decoded and dropped).
    func skipWithoutDecoding(_ count: Int) throws -> Int? { nil }

    /// Up to `count` bytes; fewer only at the end of the stream. Memory grows with the bytes
    /// actually present, never with `count` alone, so absurd lengths cannot allocate.
    final func read(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(count, 1 << 20))
        while out.count < count {
            if bufferIndex >= buffer.count {
                buffer = []; bufferIndex = 0
                guard try refill() else { break }
                continue
            }
            let take = min(count - out.count, buffer.count - bufferIndex)
            out.append(contentsOf: buffer[bufferIndex..<bufferIndex + take])
            bufferIndex += take; position += take
        }
        return out
    }

    /// Up to `count` bytes into `out`, replacing its contents and reusing its storage (for the
    /// many small block headers); fewer only at the end of the stream.
    final func read(_ count: Int, into out: inout [UInt8]) throws {
        out.removeAll(keepingCapacity: true)
        if bufferIndex + count <= buffer.count {
            out.append(contentsOf: buffer[bufferIndex..<bufferIndex + count])
            bufferIndex += count; position += count
            return
        }
        out.append(contentsOf: try read(count))
    }

    /// Skip up to `count` bytes; returns how many were skipped (fewer only at the end).
    final func skip(_ count: Int) throws -> Int {
        var skipped = 0
        while skipped < count {
            let buffered = buffer.count - bufferIndex
            if buffered > 0 {
                let take = min(buffered, count - skipped)
                bufferIndex += take; position += take; skipped += take
                continue
            }
            buffer = []; bufferIndex = 0
            if let moved = try skipWithoutDecoding(count - skipped) {
                position += moved; skipped += moved
                if moved == 0 { break }
                continue
            }
            guard try refill() else { break }
        }
        return skipped
    }
}

/// An uncompressed file: read in small chunks, seek past what is not needed. After a seek the
/// chunk starts small (the next block header is often all that is read there) and doubles up to
/// `chunk` while reading goes on, so a remote source fetches little around skipped blocks.
final class RawStream: ByteStream {
    let input: RandomAccessInput
    private let chunk: Int
    private static let afterSeek = 512
    private var next = afterSeek

    init(_ input: RandomAccessInput, chunk: Int = 16 << 10) { self.input = input; self.chunk = chunk }

    override var knownLength: Int? { input.size }

    override func refill() throws -> Bool {
        buffer = try input.read(at: position, count: next)
        bufferIndex = 0
        next = min(next * 2, chunk)
        return !buffer.isEmpty
    }

    override func skipWithoutDecoding(_ count: Int) throws -> Int? {
        next = Self.afterSeek
        return max(0, min(count, input.size - position))
    }
}
