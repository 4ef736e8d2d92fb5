/// Turns a scanned file into `BlendInfo`: SDNA, active scene, scenes, dependencies.
struct BlendDecoder {
    let file: ScannedFile
    let dna: SDNA
    /// ID blocks by `old` address (§7 rule 1); REND/GLOB/DNA1 are never in it.
    let idByOld: [UInt64: Int]

    init(_ file: ScannedFile) throws {
        self.file = file
        guard let dnaBlock = file.dna else { throw StreamFailure(kind: .missingDNA) }
        dna = try SDNA(dnaBlock.payload, littleEndian: file.header.littleEndian,
                       pointerSize: file.header.pointerSize)
        var map: [UInt64: Int] = [:]
        for (i, b) in file.blocks.enumerated() where b.header.isID && b.header.old != 0 {
            if map[b.header.old] == nil { map[b.header.old] = i }
        }
        idByOld = map
    }

    func info(file name: String, compression: Compression) throws -> BlendInfo {
        let h = file.header
        let sceneBlocks = file.blocks.indices.filter { file.blocks[$0].header.code4 == BlockCode.SC }
        var scenes: [SceneInfo] = []
        var sceneOld: [UInt64: String] = [:]
        for i in sceneBlocks {
            guard let view = view(of: i), let scene = try SceneDecoder(decoder: self, block: i, view: view).scene()
            else { continue }
            scenes.append(scene)
            sceneOld[file.blocks[i].header.old] = sceneOld[file.blocks[i].header.old] ?? scene.name
        }
        let globView = glob()
        var active: String?
        if let cur = globView?.pointer("curscene"), cur != 0 { active = sceneOld[cur] }
        if active == nil {
            let names = Set(scenes.map(\.name))
            active = renderInfoNames().first { names.contains($0) } ?? scenes.first?.name
        }
        return BlendInfo(
            file: name, blenderVersion: Self.versionString(h.version), fileVersion: h.version,
            fileSubversion: globView?.integer("subversion"), headerFormat: h.format,
            compression: compression, pointerSize: h.pointerSize,
            endianness: h.littleEndian ? .little : .big, activeScene: active, scenes: scenes,
            dependencies: try DependencyDecoder(decoder: self).dependencies())
    }

    /// 279 → "2.79", 302 → "3.2", 500 → "5.0" (Blender's own naming).
    static func versionString(_ v: Int) -> String {
        let major = v / 100, minor = v % 100
        return major < 3 ? "\(major).\(minor < 10 ? "0" : "")\(minor)" : "\(major).\(minor)"
    }

    /// Element `element` of block `index`'s struct (from its SDNA index).
    func view(of index: Int, element: Int = 0) -> StructView? {
        let b = file.blocks[index]
        return view(b.payload, sdna: b.header.sdnaIndex, element: element)
    }

    func view(_ payload: [UInt8], sdna index: Int, element: Int = 0) -> StructView? {
        guard index >= 0, index < dna.structCount else { return nil }
        let size = dna.structSize(index)
        guard size > 0, element >= 0, (element + 1) * size <= payload.count || element == 0 else { return nil }
        return StructView(dna: dna, structIndex: index, bytes: payload, base: element * size,
                          littleEndian: file.header.littleEndian)
    }

    /// `FileGlobal` from the GLOB block, looked up by name (GLOB's SDNA index is trusted only
    /// when it names FileGlobal).
    func glob() -> StructView? {
        guard let g = file.glob else { return nil }
        let index = (g.header.sdnaIndex > 0 && g.header.sdnaIndex < dna.structCount
                     && dna.structName(g.header.sdnaIndex) == "FileGlobal")
            ? g.header.sdnaIndex : dna.structIndex(named: "FileGlobal")
        return index.flatMap { view(g.payload, sdna: $0) }
    }

    /// Scene names from REND blocks (§5.1): 8 bytes of frame range, then the name.
    func renderInfoNames() -> [String] {
        file.rend.compactMap { b in
            guard b.payload.count > 8 else { return nil }
            let name = b.payload[8...].prefix { $0 != 0 }
            return String(decoding: name, as: UTF8.self)
        }
    }

    /// The name (without the 2-letter prefix) of the ID block at `old`, or nil.
    func idName(old: UInt64) -> String? {
        guard old != 0, let i = idByOld[old], let v = view(of: i) else { return nil }
        let id = v.name == "ID" ? v : v.sub("id")
        guard let full = id?.string("name") else { return nil }
        return String(full.dropFirst(2))
    }
}
