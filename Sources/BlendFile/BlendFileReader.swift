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
            return try read(FileInput(path: path), name: display)
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
            return try read(MemoryInput(bytes), name: name)
        } catch let failure as StreamFailure {
            throw BlendError(file: name, failure.kind)
        } catch let error as BlendError {
            throw error
        } catch {
            throw BlendError(file: name, .corrupt("\(error)"))
        }
    }

    private static func read(_ input: RandomAccessInput, name: String) throws -> BlendInfo {
        let (stream, compression) = try open(input)
        let scanned = try BlockScanner.scan(stream)
        return try BlendDecoder(scanned).info(file: name, compression: compression)
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
