import Foundation

/// Reads .blend files natively: every header layout, gzip and zstd, SDNA-driven field access.
/// Streams the file once, keeping only the blocks it decodes; uncompressed files (and seekable
/// zstd frames) are seeked past instead of read.
public enum BlendFileReader {
    /// Read the file facts, every scene and the dependencies of the .blend at `path`.
    /// `name` is how errors and `BlendInfo.file` name the file (default: `path`), e.g. the
    /// `s3://` URL a temporary download came from. Throws `BlendError`.
    public static func read(path: String, name: String? = nil) throws(BlendError) -> BlendInfo {
        let display = name ?? path
        do {
            return try decode(FileInput(path: path), name: display)
        } catch let failure as StreamFailure {
            throw BlendError(file: display, failure.kind)
        } catch let error as BlendError {
            throw error
        } catch {
            throw BlendError(file: display, .corrupt("\(error)"))
        }
    }

    /// Read a .blend held in memory (tests, fuzzing, downloads). Throws `BlendError`.
    public static func read(bytes: [UInt8], name: String) throws(BlendError) -> BlendInfo {
        do {
            return try decode(MemoryInput(bytes), name: name)
        } catch let failure as StreamFailure {
            throw BlendError(file: name, failure.kind)
        } catch let error as BlendError {
            throw error
        } catch {
            throw BlendError(file: name, .corrupt("\(error)"))
        }
    }

    /// Read a .blend from any byte source (an object in a store). Throws `BlendError` for a bad
    /// file, and the source's own errors (a store failure) as they are.
    public static func read(_ source: RandomAccessInput, name: String) throws -> BlendInfo {
        let input = SourceInput(source)
        do {
            return try decode(input, name: name)
        } catch {
            if let failure = input.failure { throw failure }
            if let failure = error as? StreamFailure { throw BlendError(file: name, failure.kind) }
            if error is BlendError { throw error }
            throw BlendError(file: name, .corrupt("\(error)"))
        }
    }

    private static func decode(_ input: RandomAccessInput, name: String) throws -> BlendInfo {
        let (stream, compression) = try open(input)
        let scanned = try BlockScanner.scan(stream)
        return try BlendDecoder(scanned).info(file: name, compression: compression)
    }

    /// A source whose first error is kept, so that it reaches the caller unchanged (the scanner
    /// turns what it catches into `StreamFailure`s).
    private final class SourceInput: RandomAccessInput {
        let source: RandomAccessInput
        var failure: Error?
        init(_ source: RandomAccessInput) { self.source = source }
        var size: Int { source.size }
        func read(at offset: Int, count: Int) throws -> [UInt8] {
            do { return try source.read(at: offset, count: count) } catch {
                failure = failure ?? error
                throw error
            }
        }
    }

    /// Sniff the compression wrapper (§2) and return the stream of decoded .blend bytes.
    static func open(_ input: RandomAccessInput) throws -> (ByteStream, Compression) {
        let magic = try input.read(at: 0, count: 8)
        if magic.isEmpty { throw StreamFailure(kind: .empty) }
        if magic.starts(with: Array("BLENDER".utf8)) || magic.count < 4 && Array("BLENDER".utf8).starts(with: magic) {
            return (RawStream(input), .none)
        }
        if magic.count >= 3, magic[0] == 0x1F, magic[1] == 0x8B, magic[2] == 0x08 {
            return (try GzipStream(input), .gzip)
        }
        if magic.count >= 4 {
            let m = le32(magic, 0)
            if m == 0xFD2F_B528 || m >> 4 == 0x184D_2A5 {
                if let frames = try ZstdSeekableStream.seekTable(of: input) {
                    return (try ZstdSeekableStream(input, frames: frames), .zstd)
                }
                return (try ZstdStream(input), .zstd)
            }
        }
        throw StreamFailure(kind: .notBlend)
    }
}
