import BlendFile
import Foundation
import LuaKit
import ObjectStore
import Render

extension LuaModule {
    /// `blend`: read .blend files natively (no Blender needed).
    static let blend = LuaModule("blend", doc: "Read .blend files natively: scenes, frame ranges, fps, resolution, engine, output, dependencies.") { m in
        m.function("info", doc: """
            blend.info(path [, scene]) -> info | nil, message, code
            Read a .blend (a path, file:// or s3:// URL; no Blender needed). Fields: file, blender_version,
            compression ('none'|'gzip'|'zstd'), pointer_size, endianness, active_scene,
            scene (the active scene's table, or the scene named by the 2nd argument),
            scenes (every scene: name, frame_start, frame_end, frame_step, fps, fps_base,
            frame_rate, resolution_x, resolution_y, resolution_percentage, engine, output_path,
            file_format, camera), dependencies ({kind, path, nature} per external file).
            A missing file returns nil, message, 'no_input'; a corrupt one or an unknown scene
            nil, message, 'data_error'; a store failure nil, message, 'store_error'.
            Example: local i = assert(blend.info('shot.blend')); print(i.scene.frame_start, i.scene.frame_end)
            """) { args in
            let given = try args.string(1)
            let sceneName = try args.optionalString(2)
            try Capabilities.of(args).require(.read, given, args)
            let info: BlendInfo
            do {
                info = given.hasPrefix("s3://") ? try args.wait { try await BlendSource.read(given) } : try BlendSource.readLocal(given)
            } catch let error as BlendError {
                return .failure(error.description, code: error.isMissingFile ? "no_input" : "data_error")
            } catch let error as StoreError {
                if case .notFound = error { return .failure("\(given): no such object", code: "no_input") }
                return .failure(error.description, code: "store_error")
            }
            var scene = info.scene
            if let sceneName {
                guard let named = info.scene(named: sceneName) else {
                    let names = info.scenes.map { "'\($0.name)'" }.joined(separator: ", ")
                    return .failure("\(given): no scene named '\(sceneName)' (scenes: \(names))", code: "data_error")
                }
                scene = named
            }
            return .value(LuaBlendInfo(info: info, scene: scene))
        }
        m.function("files", doc: """
            blend.files(path) -> {root=, blend=, files={...}, absolute={...}, missing={...}, warnings={...}} | nil, message, code
            What travels with a local .blend to a machine without this disk (what render --backend aws uploads):
            files = every file it uses (images, UDIM tiles, sequences, movies, sounds, caches, linked libraries
            and what they use), the .blend first, relative to root, the folder they all share; absolute and
            missing = references that cannot travel ({path=, holder=}); warnings = one line each about those.
            Example: for _, f in ipairs(assert(blend.files('shot.blend')).files) do print(f) end
            """) { args in
            let path = try args.string(1)
            try Capabilities.of(args).require(.read, path, args)
            let bundle: InputBundle
            do { bundle = try InputBundle.collect(blend: path) } catch let error as BlendError {
                return .failure(error.description, code: error.isMissingFile ? "no_input" : "data_error")
            }
            func references(_ list: [InputBundle.Reference]) -> LuaValue {
                .array(list.map { .table(["path": .string($0.path), "holder": .string($0.holder)]) })
            }
            return .value(LuaValue.table([
                "root": .string(bundle.root), "blend": .string(bundle.blend), "files": .array(bundle.files.map(LuaValue.string)),
                "absolute": references(bundle.absolute), "missing": references(bundle.missing),
                "unreadable": references(bundle.unreadable), "warnings": .array(bundle.warnings.map(LuaValue.string)),
            ]))
        }
    }
}

/// `BlendInfo` plus `scene` (the chosen scene's table): what `blend.info` returns.
struct LuaBlendInfo: Encodable {
    let info: BlendInfo
    let scene: SceneInfo?

    private enum Keys: String, CodingKey { case scene }

    func encode(to encoder: Encoder) throws {
        try info.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeIfPresent(scene, forKey: .scene)
    }
}
