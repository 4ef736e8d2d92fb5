#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The struct catalogue of one file (`DNA1`, §6): names, types, sizes and struct layouts.
/// Member offsets are computed from it, never hard-coded.
final class SDNA {
    struct Member {
        let bare: String       // lookup key, e.g. "mtex" for "*mtex[18]"
        let type: Int          // index into `types`
        let isPointer: Bool
        let count: Int         // array elements (1 for scalars)
        let size: Int          // bytes taken in the struct
        let offset: Int
    }

    /// The catalogue bytes; names and types are decoded from them only when used.
    private let bytes: [UInt8]
    private let nameRanges: [Range<Int>]
    private let typeRanges: [Range<Int>]
    private var typeNameCache: [Int: String] = [:]
    let typeSizes: [Int]
    let pointerSize: Int
    private let littleEndian: Bool
    /// Per struct: its type index, and where its record (type, count, then member type/name
    /// index pairs) starts in `bytes`; every index was checked when the catalogue was parsed.
    private let structTypes: [Int]
    private let structStarts: [Int]
    /// Per type index: the first struct of that type, or -1 for primitives.
    private let structByType: [Int]
    private var structByName: [String: Int?] = [:]
    /// Member layouts, computed on first use.
    private var layouts: [Int: [String: Member]] = [:]

    var structCount: Int { structTypes.count }

    /// Parse a `DNA1` payload; every count and index is checked against the payload, so a
    /// hostile catalogue cannot make it allocate or loop beyond the payload's size.
    init(_ bytes: [UInt8], littleEndian: Bool, pointerSize: Int) throws(StreamFailure) {
        let r = ByteReader(bytes: bytes, littleEndian: littleEndian)
        var o = 0
        func fail(_ why: String) -> StreamFailure { StreamFailure(kind: .badSDNA(why)) }
        func need(_ n: Int, _ what: @autoclosure () -> String) throws(StreamFailure) {
            guard n >= 0, o + n <= bytes.count else { throw fail("ends inside \(what()) (offset \(o) in DNA1)") }
        }
        func tag(_ t: String) throws(StreamFailure) {
            try need(4, t)
            guard bytes[o..<o + 4].elementsEqual(t.utf8) else { throw fail("expected \(t) at offset \(o) in DNA1") }
            o += 4
        }
        func count(_ what: String, minBytesEach: Int) throws(StreamFailure) -> Int {
            try need(4, what)
            let n = Int(r.i32(o)); o += 4
            guard n >= 0, n <= (bytes.count - o) / minBytesEach else {
                throw fail("absurd \(what) count \(n) for a \(bytes.count)-byte catalogue")
            }
            return n
        }
        func strings(_ n: Int, _ what: String) throws(StreamFailure) -> [Range<Int>] {
            var out: [Range<Int>] = []
            out.reserveCapacity(n)
            let found: Bool = bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for _ in 0..<n {
                    guard o < buffer.count, let hit = memchr(base + o, 0, buffer.count - o) else { return false }
                    let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    out.append(o..<end)
                    o = end + 1
                }
                return true
            }
            guard found else { throw fail("unterminated \(what) at offset \(o) in DNA1") }
            return out
        }
        func pad4() { o = (o + 3) & ~3 }

        try tag("SDNA"); try tag("NAME")
        let nNames = try count("name", minBytesEach: 1)
        nameRanges = try strings(nNames, "name"); pad4()
        try tag("TYPE")
        let nTypes = try count("type", minBytesEach: 1)
        typeRanges = try strings(nTypes, "type"); pad4()
        try tag("TLEN")
        try need(2 * nTypes, "TLEN")
        typeSizes = (0..<nTypes).map { Int(r.u16(o + 2 * $0)) }
        o += 2 * nTypes; pad4()
        try tag("STRC")
        let nStructs = try count("struct", minBytesEach: 4)
        var types: [Int] = [], starts: [Int] = []
        types.reserveCapacity(nStructs); starts.reserveCapacity(nStructs)
        var byType = [Int](repeating: -1, count: nTypes)
        for si in 0..<nStructs {
            try need(4, "struct \(si)")
            let t = Int(r.u16(o)), n = Int(r.u16(o + 2)); o += 4
            try need(4 * n, "struct \(si)'s members")
            guard t < nTypes else { throw fail("struct \(si) has type index \(t) of \(nTypes)") }
            if let bad = Self.firstBadMember(bytes, at: o, count: n, types: nTypes, names: nNames, littleEndian: littleEndian) {
                let structType = String(decoding: bytes[typeRanges[t]], as: UTF8.self)
                throw fail("struct \(structType) member \(bad.member) refers to type \(bad.type)/name \(bad.name) out of range")
            }
            types.append(t); starts.append(o - 4)
            o += 4 * n
            if byType[t] < 0 { byType[t] = si }
        }
        self.bytes = bytes
        self.littleEndian = littleEndian
        structTypes = types; structStarts = starts; structByType = byType
        self.pointerSize = pointerSize
        if let lb = structIndex(named: "ListBase"), typeSizes[types[lb]] != 2 * pointerSize {
            throw fail("ListBase is \(typeSizes[types[lb]]) bytes, header says \(pointerSize)-byte pointers")
        }
    }

    /// Index of the struct named `name` (on-disk name), or nil.
    func structIndex(named name: String) -> Int? {
        if let cached = structByName[name] { return cached }
        let wanted = Array(name.utf8)
        let found = structTypes.firstIndex { bytes[typeRanges[$0]].elementsEqual(wanted) }
        structByName[name] = found
        return found
    }

    /// The name of type `index` ("int", "Scene", …).
    func typeName(_ index: Int) -> String {
        if let cached = typeNameCache[index] { return cached }
        let name = String(decoding: bytes[typeRanges[index]], as: UTF8.self)
        typeNameCache[index] = name
        return name
    }
    /// Index of the struct whose type index is `type`, or nil when it is a primitive.
    func structIndex(type: Int) -> Int? {
        guard type >= 0, type < structByType.count, structByType[type] >= 0 else { return nil }
        return structByType[type]
    }
    func structName(_ index: Int) -> String { typeName(structTypes[index]) }
    func structSize(_ index: Int) -> Int { typeSizes[structTypes[index]] }

    /// The first member of a struct record (`count` type/name pairs at `offset`) whose type or
    /// name index is out of range, if any. Runs once per struct per file, so it reads raw bytes.
    static func firstBadMember(_ bytes: [UInt8], at offset: Int, count: Int, types: Int, names: Int,
                               littleEndian: Bool) -> (member: Int, type: Int, name: Int)? {
        bytes.withUnsafeBufferPointer { b in
            for m in 0..<count {
                let p = offset + 4 * m
                let t = littleEndian ? Int(b[p]) | Int(b[p + 1]) << 8 : Int(b[p]) << 8 | Int(b[p + 1])
                let n = littleEndian ? Int(b[p + 2]) | Int(b[p + 3]) << 8 : Int(b[p + 2]) << 8 | Int(b[p + 3])
                if t >= types || n >= names { return (m, t, n) }
            }
            return nil
        }
    }

    /// The layout of struct `index`, keyed by bare member name.
    func members(of index: Int) -> [String: Member] {
        if let cached = layouts[index] { return cached }
        let r = ByteReader(bytes: bytes, littleEndian: littleEndian)
        let start = structStarts[index], n = Int(r.u16(start + 2))
        var out: [String: Member] = [:]
        out.reserveCapacity(n)
        var offset = 0
        for m in 0..<n {
            let type = Int(r.u16(start + 4 + 4 * m)), name = nameRanges[Int(r.u16(start + 6 + 4 * m))]
            let shape = Self.shape(bytes[name])
            let size = (shape.isPointer ? pointerSize : typeSizes[type]) * shape.count
            let bare = String(decoding: bytes[shape.bare], as: UTF8.self)
            if out[bare] == nil {
                out[bare] = Member(bare: bare, type: type, isPointer: shape.isPointer, count: shape.count, size: size, offset: offset)
            }
            offset = min(offset + size, 1 << 48)  // hostile catalogues cannot overflow
        }
        layouts[index] = out
        return out
    }

    /// What a member name as stored says: `*mtex[18]` is a pointer array of 18 named `mtex`,
    /// `(*bindfunc)()` a function pointer named `bindfunc`. `bare` indexes the same bytes.
    static func shape(_ name: ArraySlice<UInt8>) -> (bare: Range<Int>, isPointer: Bool, count: Int) {
        let star = UInt8(ascii: "*"), open = UInt8(ascii: "("), bracket = UInt8(ascii: "["), close = UInt8(ascii: ")")
        let first = name.first
        let isPointer = first == star || (first == open && name.dropFirst().first == star)
        let start = name.firstIndex { $0 != star && $0 != open } ?? name.endIndex
        let end = name[start...].firstIndex { $0 == bracket || $0 == close } ?? name.endIndex
        return (start..<end, isPointer, arrayCount(name))
    }

    /// Product of every `[N]` in a member name (1 for scalars); clamped so a hostile name
    /// cannot overflow.
    static func arrayCount<Bytes: Sequence<UInt8>>(_ name: Bytes) -> Int {
        var product = 1, current = 0, inside = false
        for c in name {
            switch c {
            case UInt8(ascii: "["): inside = true; current = 0
            case UInt8(ascii: "]"):
                if inside { product = min(product * max(current, 0), 1 << 31) }
                inside = false
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inside:
                current = min(current * 10 + Int(c - 48), 1 << 31)
            default: break
            }
        }
        return product
    }

}

/// Typed, bounds-checked access to one struct instance inside a payload. Every accessor
/// returns nil for a member the file's SDNA lacks or whose bytes are not there, so version
/// differences read as "unknown" rather than as errors.
struct StructView {
    let dna: SDNA
    let structIndex: Int
    let bytes: [UInt8]
    let base: Int
    let littleEndian: Bool

    var name: String { dna.structName(structIndex) }

    private func member(_ name: String) -> SDNA.Member? {
        guard let m = dna.members(of: structIndex)[name], base + m.offset + m.size <= bytes.count,
              base + m.offset >= 0 else { return nil }
        return m
    }
    private var reader: ByteReader { ByteReader(bytes: bytes, littleEndian: littleEndian) }

    /// A nested (inline) struct member.
    func sub(_ name: String) -> StructView? {
        guard let m = dna.members(of: structIndex)[name], !m.isPointer,
              let s = dna.structIndex(type: m.type) else { return nil }
        return StructView(dna: dna, structIndex: s, bytes: bytes, base: base + m.offset, littleEndian: littleEndian)
    }

    /// A numeric member (first element if an array), widened to Double.
    func number(_ name: String) -> Double? {
        guard let m = member(name), !m.isPointer else { return nil }
        let o = base + m.offset, r = reader
        switch dna.typeName(m.type) {
        case "float": return Double(r.f32(o))
        case "double": return r.f64(o)
        default: return integer(name).map(Double.init)
        }
    }

    /// An integer member (first element if an array), by its SDNA type.
    func integer(_ name: String) -> Int? {
        guard let m = member(name), !m.isPointer else { return nil }
        let o = base + m.offset, r = reader
        switch dna.typeName(m.type) {
        case "char", "uchar", "uint8_t": return Int(r.u8(o))
        case "int8_t": return Int(Int8(bitPattern: r.u8(o)))
        case "short": return Int(r.i16(o))
        case "ushort": return Int(r.u16(o))
        case "int", "long", "int32_t": return Int(r.i32(o))
        case "ulong", "uint32_t": return Int(r.u32(o))
        case "int64_t": return Int(r.i64(o))
        case "uint64_t": return Int(truncatingIfNeeded: r.u64(o))
        case "float", "double": return nil
        default:
            switch dna.typeSizes[m.type] {
            case 1: return Int(r.u8(o))
            case 2: return Int(r.i16(o))
            case 4: return Int(r.i32(o))
            case 8: return Int(r.i64(o))
            default: return nil
            }
        }
    }

    /// A `char[N]` member, up to its first NUL, decoded as UTF-8 (invalid bytes replaced).
    func string(_ name: String) -> String? {
        guard let m = member(name), !m.isPointer, dna.typeSizes[m.type] == 1 else { return nil }
        let start = base + m.offset
        let slice = bytes[start..<start + m.size]
        let end = slice.firstIndex(of: 0) ?? slice.endIndex
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A pointer member's stored value (the `old` address of its target; 0 = NULL).
    func pointer(_ name: String, element: Int = 0) -> UInt64? {
        guard let m = member(name), m.isPointer, element >= 0, element < m.count else { return nil }
        let o = base + m.offset + element * dna.pointerSize
        return dna.pointerSize == 4 ? UInt64(reader.u32(o)) : reader.u64(o)
    }

    /// Whether the struct has a member with this bare name.
    func has(_ name: String) -> Bool { dna.members(of: structIndex)[name] != nil }
}
