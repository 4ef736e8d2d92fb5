/// The file header (§3 of blend-format.md): legacy 12 bytes or Blender 5's 17 bytes.
struct BlendHeader: Equatable {
    /// 0 = legacy, 1 = `BLENDER17-01v…`.
    let format: Int
    let pointerSize: Int
    let littleEndian: Bool
    /// `BLENDER_FILE_VERSION`, e.g. 279 or 500.
    let version: Int
    /// Bytes taken by the header.
    let size: Int

    /// Bytes of each block header: 20 (BHead4), 24 (SmallBHead8) or 32 (LargeBHead8).
    var blockHeaderSize: Int { format == 1 ? 32 : (pointerSize == 4 ? 20 : 24) }

    /// Decode the header from the first bytes of the decoded stream (at least 12; 17 for v1).
    static func parse(_ b: [UInt8]) throws(StreamFailure) -> BlendHeader {
        guard b.count >= 12 else { throw StreamFailure(kind: .truncatedHeader) }
        guard b.starts(with: Array("BLENDER".utf8)) else { throw StreamFailure(kind: .notBlend) }
        func printable(_ n: Int) -> String {
            String(decoding: b.prefix(n).map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        }
        func number(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count, b[r].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return b[r].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        if b[7] == UInt8(ascii: "_") || b[7] == UInt8(ascii: "-") {
            let little: Bool
            switch b[8] {
            case UInt8(ascii: "v"): little = true
            case UInt8(ascii: "V"): little = false
            default: throw StreamFailure(kind: .unknownHeader(printable(12)))
            }
            guard let v = number(9..<12) else { throw StreamFailure(kind: .unknownHeader(printable(12))) }
            return BlendHeader(format: 0, pointerSize: b[7] == UInt8(ascii: "_") ? 4 : 8,
                               littleEndian: little, version: v, size: 12)
        }
        guard number(7..<9) != nil else { throw StreamFailure(kind: .unknownHeader(printable(12))) }
        guard b.count >= 17 else {
            if number(7..<9) == 17 { throw StreamFailure(kind: .truncatedHeader) }
            throw StreamFailure(kind: .unknownHeader(printable(b.count)))
        }
        guard number(7..<9) == 17, b[9] == UInt8(ascii: "-"), number(10..<12) == 1,
              b[12] == UInt8(ascii: "v"), let v = number(13..<17) else {
            throw StreamFailure(kind: .unknownHeader(printable(17)))
        }
        return BlendHeader(format: 1, pointerSize: 8, littleEndian: true, version: v, size: 17)
    }
}

/// One block header (§4); `offset` is where the header starts in the decoded stream.
struct BlockHeader {
    /// The 4 code bytes as stored, first byte lowest (`BlockCode`): compared without making strings.
    let code4: UInt32
    let sdnaIndex: Int
    let old: UInt64
    let length: Int64
    let count: Int64
    let offset: Int

    /// The code with trailing NULs removed: "SC", "DATA", "DNA1", … (unprintable bytes as `?`).
    var code: String { BlockCode.name(code4) }

    /// True for ID blocks (2-letter codes such as SC, OB, IM, and `ID` placeholders).
    var isID: Bool { code4 & 0xFF != 0 && code4 >> 8 & 0xFF != 0 && code4 >> 16 & 0xFF == 0 }

    static func parse(_ b: [UInt8], header h: BlendHeader, offset: Int) -> BlockHeader {
        let r = ByteReader(bytes: b, littleEndian: h.littleEndian)
        let code = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
        switch (h.format, h.pointerSize) {
        case (1, _):
            return BlockHeader(code4: code, sdnaIndex: Int(r.i32(4)), old: r.u64(8), length: r.i64(16),
                               count: r.i64(24), offset: offset)
        case (_, 4):
            return BlockHeader(code4: code, sdnaIndex: Int(r.i32(12)), old: UInt64(r.u32(8)),
                               length: Int64(r.i32(4)), count: Int64(r.i32(16)), offset: offset)
        default:
            return BlockHeader(code4: code, sdnaIndex: Int(r.i32(16)), old: r.u64(8),
                               length: Int64(r.i32(4)), count: Int64(r.i32(20)), offset: offset)
        }
    }
}

/// Block codes as the 4 bytes a header stores (first byte lowest), so the scanner compares
/// integers per block instead of building strings.
enum BlockCode {
    static func make(_ text: StaticString) -> UInt32 {
        var v: UInt32 = 0
        text.withUTF8Buffer { for (i, c) in $0.prefix(4).enumerated() { v |= UInt32(c) << (8 * UInt32(i)) } }
        return v
    }
    static let DNA1 = make("DNA1"), GLOB = make("GLOB"), REND = make("REND"), ENDB = make("ENDB"), DATA = make("DATA")
    static let SC = make("SC"), IM = make("IM"), LI = make("LI"), MC = make("MC"), SO = make("SO"), VF = make("VF")
    static let CF = make("CF"), OB = make("OB"), ID = make("ID")

    /// The code as text, up to its first NUL, unprintable bytes shown as `?`.
    static func name(_ code: UInt32) -> String {
        var bytes: [UInt8] = []
        for i in 0..<4 {
            let c = UInt8(truncatingIfNeeded: code >> (8 * UInt32(i)))
            if c == 0 { break }
            bytes.append((32...126).contains(c) ? c : UInt8(ascii: "?"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Unaligned, endian-aware loads from a byte array. Callers check bounds first.
struct ByteReader {
    let bytes: [UInt8]
    let littleEndian: Bool

    func u8(_ o: Int) -> UInt8 { bytes[o] }
    func u16(_ o: Int) -> UInt16 {
        let a = UInt16(bytes[o]), b = UInt16(bytes[o + 1])
        return littleEndian ? a | b << 8 : a << 8 | b
    }
    func u32(_ o: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[o + i]) << (littleEndian ? 8 * i : 8 * (3 - i)) }
        return v
    }
    func u64(_ o: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[o + i]) << (littleEndian ? 8 * i : 8 * (7 - i)) }
        return v
    }
    func i16(_ o: Int) -> Int16 { Int16(bitPattern: u16(o)) }
    func i32(_ o: Int) -> Int32 { Int32(bitPattern: u32(o)) }
    func i64(_ o: Int) -> Int64 { Int64(bitPattern: u64(o)) }
    func f32(_ o: Int) -> Float { Float(bitPattern: u32(o)) }
    func f64(_ o: Int) -> Double { Double(bitPattern: u64(o)) }
}
