/// Why a file could not be read. `description` is one line naming the file and, where it
/// applies, the block and byte offset: `shot.blend: truncated inside block SC at offset 123456`.
public struct BlendError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be opened (maps to exit code 66, not 65).
        case cannotOpen(String)
        case empty
        /// Neither `BLENDER` nor a gzip/zstd magic at the start.
        case notBlend
        /// `BLENDER` followed by a header this reader does not know (a newer Blender?).
        case unknownHeader(String)
        /// The stream ended inside the file header.
        case truncatedHeader
        /// The stream ended inside a block header that starts at `offset`.
        case truncatedBlockHeader(offset: Int)
        /// The stream ended inside the payload of block `code` whose header starts at `offset`.
        case truncated(code: String, offset: Int)
        /// A block's length is negative or points past the end of the file.
        case badLength(code: String, offset: Int, length: Int64)
        /// No `DNA1` block: without the struct catalogue nothing can be decoded.
        case missingDNA
        /// The `DNA1` catalogue is malformed.
        case badSDNA(String)
        /// A structure the reader needs is malformed (bad pointer, cycle, …).
        case corrupt(String)
        /// gzip/zstd decoding failed.
        case decompression(String)
    }

    public var file: String
    public var kind: Kind

    public init(file: String, _ kind: Kind) { self.file = file; self.kind = kind }

    /// True when the file is missing or unreadable (exit 66), false for bad data (exit 65).
    public var isMissingFile: Bool { if case .cannotOpen = kind { return true }; return false }

    public var description: String { "\(file): \(message)" }

    public var message: String {
        switch kind {
        case .cannotOpen(let why): return "cannot open: \(why)"
        case .empty: return "empty file, not a .blend"
        case .notBlend: return "not a .blend file (no BLENDER, gzip or zstd signature)"
        case .unknownHeader(let h):
            return "unknown .blend header '\(h)' (written by a newer Blender? try a newer blendbatch)"
        case .truncatedHeader: return "truncated inside the file header"
        case .truncatedBlockHeader(let o): return "truncated inside a block header at offset \(o)"
        case .truncated(let code, let o): return "truncated inside block \(code) at offset \(o)"
        case .badLength(let code, let o, let l):
            return l < 0 ? "block \(code) at offset \(o) has a negative length (\(l))"
                         : "block \(code) at offset \(o) has length \(l), past the end of the file"
        case .missingDNA: return "no DNA1 block (the struct catalogue): file is incomplete or not a saved .blend"
        case .badSDNA(let why): return "corrupt DNA1 catalogue: \(why)"
        case .corrupt(let why): return "corrupt: \(why)"
        case .decompression(let why): return "decompression failed: \(why)"
        }
    }
}
