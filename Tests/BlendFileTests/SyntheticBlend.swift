import Foundation

/// Writes small .blend files for what the installed Blender cannot write: big-endian,
/// 4-byte pointers, Blender 5's v1 header. Its SDNA declares only the structs the reader
/// decodes, laid out with no padding (as makesdna guarantees), so offsets differ from any
/// real Blender build — which proves the reader computes them from the catalogue.
struct SyntheticBlend {
    enum Value { case int(Int), float(Double), string(String), pointer(UInt64) }

    var pointerSize = 8
    var littleEndian = true
    /// 0 = legacy 12-byte header, 1 = `BLENDER17-01v0500` with 32-byte block headers.
    var format = 0
    var version = 279

    static let primitives: [(String, Int)] = [("char", 1), ("short", 2), ("int", 4), ("float", 4), ("void", 0)]
    static let structs: [(String, [(String, String)])] = [
        ("ListBase", [("void", "*first"), ("void", "*last")]),
        ("ID", [("void", "*next"), ("void", "*prev"), ("ID", "*newid"), ("void", "*lib"), ("char", "name[66]")]),
        ("ImageFormatData", [("char", "imtype"), ("char", "depth")]),
        ("RenderData", [("int", "cfra"), ("int", "sfra"), ("int", "efra"), ("int", "frame_step"),
                        ("short", "frs_sec"), ("short", "size"), ("float", "frs_sec_base"),
                        ("int", "xsch"), ("int", "ysch"), ("ImageFormatData", "im_format"),
                        ("char", "pic[1024]"), ("char", "engine[32]")]),
        ("Object", [("ID", "id"), ("float", "loc[3]")]),
        ("Scene", [("ID", "id"), ("Object", "*camera"), ("Editing", "*ed"), ("RenderData", "r")]),
        ("FileGlobal", [("char", "subvstr[4]"), ("short", "subversion"), ("short", "pad"),
                        ("void", "*curscreen"), ("Scene", "*curscene")]),
        ("Image", [("ID", "id"), ("char", "name[1024]"), ("short", "source"), ("void", "*packedfile")]),
        ("Library", [("ID", "id"), ("char", "name[1024]"), ("void", "*packedfile")]),
        ("Editing", [("ListBase", "seqbase")]),
        ("Sequence", [("Sequence", "*next"), ("Sequence", "*prev"), ("int", "type"), ("Strip", "*strip"),
                      ("ListBase", "seqbase")]),
        ("Strip", [("char", "dir[768]"), ("StripElem", "*stripdata")]),
        ("StripElem", [("char", "name[256]")]),
    ]

    private(set) var body: [UInt8] = []
    private var dnaWritten = false

    init(pointerSize: Int = 8, littleEndian: Bool = true, format: Int = 0, version: Int = 279) {
        self.pointerSize = pointerSize; self.littleEndian = littleEndian
        self.format = format; self.version = version
    }

    var typeNames: [String] { Self.primitives.map(\.0) + Self.structs.map(\.0) }

    func size(ofType t: String) -> Int {
        if let p = Self.primitives.first(where: { $0.0 == t }) { return p.1 }
        let members = Self.structs.first { $0.0 == t }!.1
        return members.reduce(0) { $0 + memberSize($1) }
    }

    func memberSize(_ m: (String, String)) -> Int {
        let name = m.1
        let count = name.split(separator: "[").dropFirst().reduce(1) { $0 * Int($1.prefix { $0 != "]" })! }
        return (name.hasPrefix("*") || name.hasPrefix("(*") ? pointerSize : size(ofType: m.0)) * count
    }

    func structIndex(_ name: String) -> Int { Self.structs.firstIndex { $0.0 == name }! }

    // MARK: encoding
    func int(_ v: Int, _ bytes: Int) -> [UInt8] {
        let le = (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
        return littleEndian ? le : le.reversed()
    }
    func u64(_ v: UInt64, _ bytes: Int) -> [UInt8] {
        let le = (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
        return littleEndian ? le : le.reversed()
    }

    /// One struct instance; `fields` keys are dotted paths ("r.sfra", "id.name").
    func encode(_ type: String, _ fields: [String: Value]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size(ofType: type))
        func fill(_ type: String, base: Int, prefix: String) {
            var offset = base
            for m in Self.structs.first(where: { $0.0 == type })!.1 {
                let bare = String(m.1.drop { $0 == "*" || $0 == "(" }.prefix { $0 != "[" && $0 != ")" })
                let path = prefix + bare
                let isPointer = m.1.hasPrefix("*")
                if !isPointer, Self.structs.contains(where: { $0.0 == m.0 }) {
                    fill(m.0, base: offset, prefix: path + ".")
                } else if let v = fields[path] {
                    var bytes: [UInt8]
                    switch v {
                    case .int(let i): bytes = int(i, m.0 == "char" ? 1 : m.0 == "short" ? 2 : 4)
                    case .float(let f): bytes = int(Int(Float(f).bitPattern), 4)
                    case .string(let s): bytes = Array(s.utf8.prefix(memberSize(m) - 1))
                    case .pointer(let p): bytes = u64(p, pointerSize)
                    }
                    out.replaceSubrange(offset..<offset + bytes.count, with: bytes)
                }
                offset += memberSize(m)
            }
        }
        fill(type, base: 0, prefix: "")
        return out
    }

    // MARK: blocks
    mutating func block(_ code: String, old: UInt64 = 0, sdna: Int = 0, count: Int = 1, payload: [UInt8], length: Int? = nil) {
        var c = Array(code.utf8); c += [UInt8](repeating: 0, count: 4 - c.count)
        let len = length ?? payload.count
        if format == 1 {
            body += c + int(sdna, 4) + u64(old, 8) + int(len, 8) + int(count, 8)
        } else {
            body += c + int(len, 4) + u64(old, pointerSize) + int(sdna, 4) + int(count, 4)
        }
        body += payload
    }

    mutating func structBlock(_ code: String, _ type: String, old: UInt64, _ fields: [String: Value]) {
        block(code, old: old, sdna: structIndex(type), payload: encode(type, fields))
    }

    func dnaPayload() -> [UInt8] {
        var names: [String] = []
        for (_, members) in Self.structs { for m in members where !names.contains(m.1) { names.append(m.1) } }
        let types = typeNames
        var d = Array("SDNANAME".utf8) + int(names.count, 4)
        for n in names { d += Array(n.utf8) + [0] }
        while d.count % 4 != 0 { d.append(0) }
        d += Array("TYPE".utf8) + int(types.count, 4)
        for t in types { d += Array(t.utf8) + [0] }
        while d.count % 4 != 0 { d.append(0) }
        d += Array("TLEN".utf8)
        for t in types { d += int(size(ofType: t), 2) }
        while d.count % 4 != 0 { d.append(0) }
        d += Array("STRC".utf8) + int(Self.structs.count, 4)
        for (name, members) in Self.structs {
            d += int(types.firstIndex(of: name)!, 2) + int(members.count, 2)
            for m in members { d += int(types.firstIndex(of: m.0)!, 2) + int(names.firstIndex(of: m.1)!, 2) }
        }
        return d
    }

    var header: [UInt8] {
        if format == 1 { return Array(String(format: "BLENDER17-01v%04d", version).utf8) }
        return Array("BLENDER\(pointerSize == 4 ? "_" : "-")\(littleEndian ? "v" : "V")\(version)".utf8)
    }

    /// Header + blocks written so far + DNA1 + ENDB.
    func file(withDNA: Bool = true, endb: Bool = true) -> [UInt8] {
        var copy = self
        if withDNA { copy.block("DNA1", payload: dnaPayload()) }
        if endb { copy.block("ENDB", payload: []) }
        return header + copy.body
    }

    /// A typical file: two scenes (the second active), a camera, an image, a library and a
    /// sequencer image strip.
    static func typical(pointerSize: Int = 8, littleEndian: Bool = true, format: Int = 0,
                        version: Int = 279, cycle: Bool = false) -> [UInt8] {
        var f = SyntheticBlend(pointerSize: pointerSize, littleEndian: littleEndian, format: format, version: version)
        var rend = f.int(3, 4) + f.int(97, 4) + Array("Shot".utf8)
        rend += [UInt8](repeating: 0, count: 72 - rend.count)
        f.block("REND", old: 0x1000, payload: rend)
        f.structBlock("GLOB", "FileGlobal", old: 0x1000, ["subversion": .int(7), "curscene": .pointer(0x3000)])
        f.structBlock("OB", "Object", old: 0x2000, ["id.name": .string("OBShotCam")])
        f.structBlock("IM", "Image", old: 0x2100, ["id.name": .string("IMwood"), "name": .string("//tex/wood.png"), "source": .int(1)])
        f.structBlock("IM", "Image", old: 0x2200, ["id.name": .string("IMtiles"), "name": .string("//tex/t.<UDIM>.png"), "source": .int(6)])
        f.structBlock("IM", "Image", old: 0x2300, ["id.name": .string("IMpacked"), "name": .string("//packed.png"), "source": .int(1), "packedfile": .pointer(0x9999)])
        f.structBlock("LI", "Library", old: 0x2400, ["id.name": .string("LIprops"), "name": .string("//props.blend")])
        f.structBlock("SC", "Scene", old: 0x2800, [
            "id.name": .string("SCLayout"), "r.sfra": .int(1), "r.efra": .int(10), "r.frame_step": .int(1),
            "r.frs_sec": .int(25), "r.frs_sec_base": .float(1), "r.xsch": .int(640), "r.ysch": .int(480),
            "r.size": .int(100), "r.engine": .string("BLENDER_WORKBENCH"), "r.pic": .string("/tmp/layout/"),
            "r.im_format.imtype": .int(17)])
        f.structBlock("SC", "Scene", old: 0x3000, [
            "id.name": .string("SCShot"), "camera": .pointer(0x2000), "ed": .pointer(0x5000),
            "r.cfra": .int(5), "r.sfra": .int(3), "r.efra": .int(97), "r.frame_step": .int(2),
            "r.frs_sec": .int(30), "r.frs_sec_base": .float(1.001), "r.xsch": .int(1280), "r.ysch": .int(720),
            "r.size": .int(50), "r.engine": .string("CYCLES"), "r.pic": .string("//render/shot_####"),
            "r.im_format.imtype": .int(23)])
        f.structBlock("DATA", "Editing", old: 0x5000, ["seqbase.first": .pointer(0x5100), "seqbase.last": .pointer(0x5100)])
        f.structBlock("DATA", "Sequence", old: 0x5100, ["type": .int(0), "strip": .pointer(0x5200),
                                                       "next": .pointer(cycle ? 0x5100 : 0)])
        f.structBlock("DATA", "Strip", old: 0x5200, ["dir": .string("//plates/"), "stripdata": .pointer(0x5300)])
        var elems = f.encode("StripElem", ["name": .string("plate_0001.png")])
        elems += f.encode("StripElem", ["name": .string("plate_0002.png")])
        f.block("DATA", old: 0x5300, sdna: f.structIndex("StripElem"), count: 2, payload: elems)
        return f.file()
    }
}
