/// Collects external file paths (§9): images, libraries, movie clips, sounds, fonts, cache
/// files, and the files of sequencer strips.
struct DependencyDecoder {
    let decoder: BlendDecoder
    /// Strips visited in one scene's sequencer, at most (a guard against hostile files).
    static let maxStrips = 1_000_000

    func dependencies() throws -> [Dependency] {
        var out: [Dependency] = []
        var seen = Set<Dependency>()
        func add(_ d: Dependency) {
            guard !d.path.isEmpty, seen.insert(d).inserted else { return }
            out.append(d)
        }
        let blocks = decoder.file.blocks
        for i in blocks.indices {
            let code = blocks[i].header.code4
            guard BlockScanner.wholeIDs.contains(code), let v = decoder.view(of: i) else { continue }
            switch code {
            case BlockCode.IM:
                guard !isPacked(v), let path = v.string("name") ?? v.string("filepath") else { continue }
                let nature: Dependency.Nature
                switch v.integer("source") {
                case 1: nature = path.contains("<UDIM>") ? .udim : .file
                case 2: nature = .sequence
                case 3: nature = .movie
                case 6: nature = .udim
                default: continue  // generated, viewer, …: no file
                }
                add(Dependency(kind: .image, path: path, nature: nature))
            case BlockCode.LI:
                guard !isPacked(v), let path = v.string("name") ?? v.string("filepath") else { continue }
                add(Dependency(kind: .library, path: path))
            case BlockCode.MC:
                guard let path = v.string("name") ?? v.string("filepath") else { continue }
                add(Dependency(kind: .movieClip, path: path, nature: v.integer("source") == 1 ? .sequence : .movie))
            case BlockCode.SO:
                guard !isPacked(v), let path = v.string("name") ?? v.string("filepath") else { continue }
                add(Dependency(kind: .sound, path: path))
            case BlockCode.VF:
                guard !isPacked(v), let path = v.string("name") ?? v.string("filepath"),
                      path != "<builtin>" else { continue }
                add(Dependency(kind: .font, path: path))
            case BlockCode.CF:
                guard let path = v.string("filepath") else { continue }
                add(Dependency(kind: .cacheFile, path: path, nature: (v.integer("is_sequence") ?? 0) != 0 ? .sequence : .file))
            case BlockCode.SC:
                for d in try sequencerFiles(scene: i, view: v) { add(d) }
            default:
                continue
            }
        }
        return out
    }

    private func isPacked(_ v: StructView) -> Bool {
        (v.pointer("packedfile") ?? 0) != 0 || (v.sub("packedfiles")?.pointer("first") ?? 0) != 0
    }

    /// Image and movie strips of a scene's sequencer (`Scene.ed → Editing.seqbase`, recursing
    /// into meta strips). DATA pointers resolve within the scene's own DATA run (§7 rule 2).
    private func sequencerFiles(scene: Int, view: StructView) throws -> [Dependency] {
        guard let ed = view.pointer("ed"), ed != 0 else { return [] }
        let blocks = decoder.file.blocks
        var data: [UInt64: Int] = [:]
        var j = scene + 1
        while j < blocks.count, blocks[j].owner == scene {
            if data[blocks[j].header.old] == nil { data[blocks[j].header.old] = j }
            j += 1
        }
        func struct_(_ old: UInt64) -> StructView? {
            guard old != 0, let k = data[old] else { return nil }
            return decoder.view(of: k)
        }
        func elements(_ old: UInt64) -> (StructView?, Int) {
            guard old != 0, let k = data[old], let v = decoder.view(of: k) else { return (nil, 0) }
            let size = decoder.dna.structSize(v.structIndex)
            return (v, size > 0 ? blocks[k].payload.count / size : 0)
        }
        guard let editing = struct_(ed) else { return [] }
        let sceneName = String((view.sub("id")?.string("name") ?? "SC?").dropFirst(2))
        var out: [Dependency] = []
        var visited = Set<UInt64>()
        var pending: [UInt64] = [editing.sub("seqbase")?.pointer("first") ?? 0]
        while let first = pending.popLast() {
            var next = first
            while next != 0 {
                guard visited.insert(next).inserted else {
                    throw StreamFailure(kind: .corrupt("pointer cycle in the sequencer strips of scene '\(sceneName)' (address 0x\(String(next, radix: 16)))"))
                }
                guard visited.count <= Self.maxStrips, let strip = struct_(next) else { break }
                let type = strip.integer("type") ?? -1
                if type == 1 { pending.append(strip.sub("seqbase")?.pointer("first") ?? 0) }
                if type == 0 || type == 3, let s = struct_(strip.pointer("strip") ?? 0) {
                    let dir = s.string("dir") ?? ""
                    let (elem, count) = elements(s.pointer("stripdata") ?? 0)
                    if let file = elem?.string("name"), !file.isEmpty {
                        let sep = dir.isEmpty || dir.hasSuffix("/") || dir.hasSuffix("\\") ? "" : "/"
                        let nature: Dependency.Nature = type == 3 ? .movie : (count > 1 ? .sequence : .file)
                        out.append(Dependency(kind: .sequencerStrip, path: dir + sep + file, nature: nature))
                    }
                }
                next = strip.pointer("next") ?? 0
            }
        }
        return out
    }
}
