/// Reads one `SC` block's render settings (§8.2) through the SDNA.
struct SceneDecoder {
    let decoder: BlendDecoder
    let block: Int
    let view: StructView

    init(decoder: BlendDecoder, block: Int, view: StructView) {
        self.decoder = decoder
        self.block = block
        // Trust the block's SDNA index only when it names Scene.
        if view.name != "Scene", let s = decoder.dna.structIndex(named: "Scene") {
            self.view = StructView(dna: view.dna, structIndex: s, bytes: view.bytes, base: 0,
                                   littleEndian: view.littleEndian)
        } else {
            self.view = view
        }
    }

    func scene() throws -> SceneInfo? {
        guard view.name == "Scene", let fullName = view.sub("id")?.string("name") else { return nil }
        guard let r = view.sub("r") else { return nil }
        let imtype = r.sub("im_format")?.integer("imtype") ?? r.integer("imtype")
        let engine = r.string("engine").flatMap { $0.isEmpty ? nil : $0 }
        var info = SceneInfo(
            name: String(fullName.dropFirst(2)),
            frameStart: r.integer("sfra") ?? 1,
            frameEnd: r.integer("efra") ?? 1,
            frameStep: max(r.integer("frame_step") ?? 1, 1),
            frameCurrent: r.integer("cfra"),
            fps: r.integer("frs_sec") ?? 24,
            fpsBase: Self.roundedBase(r.number("frs_sec_base") ?? 1.0),
            resolutionX: r.integer("xsch") ?? 0,
            resolutionY: r.integer("ysch") ?? 0,
            resolutionPercentage: r.integer("size") ?? 100,
            engine: engine,
            outputPath: r.string("pic"),
            fileFormat: imtype.map(Self.fileFormatName),
            camera: view.pointer("camera").flatMap(decoder.idName(old:)))
        let fileOutputs = CompositorDecoder(decoder: decoder, block: block, scene: view).fileOutputPaths()
        info.compositorOutputs = fileOutputs.isEmpty ? nil : fileOutputs
        return info
    }

    /// `frs_sec_base` is a float: 1.001 is stored as 1.00100004673; report the decimal the
    /// user typed (7 significant digits, what a float holds).
    static func roundedBase(_ v: Double) -> Double {
        guard v.isFinite, v > 0 else { return 1.0 }
        return (Double(Float(v).description) ?? v)
    }

    /// `R_IMF_IMTYPE_*` (DNA_scene_types.h) → the name Blender's Python API uses.
    static func fileFormatName(_ imtype: Int) -> String {
        switch imtype {
        case 0: return "TARGA"
        case 1: return "IRIS"
        case 4: return "JPEG"
        case 7: return "IRIZ"
        case 14: return "TARGA_RAW"
        case 15: return "AVI_RAW"
        case 16: return "AVI_JPEG"
        case 17: return "PNG"
        case 20: return "BMP"
        case 21: return "HDR"
        case 22: return "TIFF"
        case 23: return "OPEN_EXR"
        case 24: return "FFMPEG"
        case 26: return "CINEON"
        case 27: return "DPX"
        case 28: return "OPEN_EXR_MULTILAYER"
        case 29: return "DDS"
        case 30: return "JPEG2000"
        case 31: return "H264"
        case 32: return "XVID"
        case 33: return "THEORA"
        case 34: return "PSD"
        case 35: return "WEBP"
        default: return "UNKNOWN_\(imtype)"
        }
    }
}
