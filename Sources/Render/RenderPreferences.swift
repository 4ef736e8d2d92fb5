import Foundation
#if canImport(Glibc)
import Glibc
import ProcessSpawn
#endif

/// Blender preferences for render tasks: Blender's factory defaults without the bundled add-ons that
/// never take part in a render (importers, exporters, the pose library). Blender registers those at
/// every launch, which is about a tenth of its start-up; a render task is a launch.
///
/// Only used where Blender would run with factory defaults anyway — no `userpref.blend` of the user's
/// and no `BLENDER_USER_CONFIG` — so a user's own preferences and add-ons always apply exactly as
/// they are. Made once per Blender executable (one extra launch) and cached; if it cannot be made,
/// tasks run with Blender's defaults as before. `BLENDBATCH_RENDER_PREFS=user` turns it off.
public enum RenderPreferences {
    /// Bundled add-ons enabled by default that a render never calls.
    static let skippedAddons = ["io_anim_bvh", "io_curve_svg", "io_mesh_ply", "io_mesh_stl", "io_mesh_uv_layout",
                                "io_scene_fbx", "io_scene_gltf2", "io_scene_obj", "io_scene_x3d", "pose_library"]

    /// The environment render tasks should add (`BLENDER_USER_CONFIG`), or empty when the user's
    /// own setup applies or the preferences could not be made.
    /// - Parameters:
    ///   - blender: the Blender executable tasks will run.
    ///   - cache: a folder of ours to keep the preferences in (one subfolder per Blender build).
    public static func environment(blender: String, cache: String,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        guard environment["BLENDBATCH_RENDER_PREFS"] != "user", environment["BLENDER_USER_CONFIG"] == nil,
              !userHasPreferences(environment), let folder = folder(blender: blender, cache: cache) else { return [:] }
        return ["BLENDER_USER_CONFIG": folder]
    }

    /// Whether any Blender version's config folder holds a `userpref.blend` (Blender reads it instead
    /// of the factory defaults).
    static func userHasPreferences(_ environment: [String: String]) -> Bool {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: config + "/blender")) ?? []
        return versions.contains { FileManager.default.fileExists(atPath: "\(config)/blender/\($0)/config/userpref.blend") }
    }

    /// The cached folder for `blender`, made on first use; nil when Blender could not make it (a
    /// stand-in Blender, a broken install), which is remembered so it is not tried again.
    static func folder(blender: String, cache: String) -> String? {
        // A real Blender is a binary; a script in its place (a wrapper, a test's stand-in) is left alone.
        guard isBinary(blender), let attributes = try? FileManager.default.attributesOfItem(atPath: blender),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
        // One folder per Blender build: its path, size and time stamp.
        let key = String(format: "%08x", stableHash("\(blender)|\(size)|\(modified.timeIntervalSince1970)"))
        let folder = cache + "/blender-prefs-" + key
        if FileManager.default.fileExists(atPath: folder + "/userpref.blend") { return folder }
        if FileManager.default.fileExists(atPath: folder + ".failed") { return nil }
        let temp = folder + ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: temp) }
        guard (try? FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)) != nil else { return nil }
        guard make(in: temp, blender: blender) else {
            FileManager.default.createFile(atPath: folder + ".failed", contents: Data("\(blender)\n".utf8))
            return nil
        }
        // Another process may have made it meanwhile: then its copy stays and ours goes.
        if rename(temp, folder) != 0 && !FileManager.default.fileExists(atPath: folder + "/userpref.blend") { return nil }
        return folder
    }

    /// Run Blender once on factory settings, disable the skipped add-ons, save the preferences into
    /// `folder`. Gives up after 120 s.
    static func make(in folder: String, blender: String) -> Bool {
        let script = """
            import addon_utils, bpy, sys
            for name in \(skippedAddons):
                addon_utils.disable(name, default_set=True)
            bpy.ops.wm.save_userpref()
            enabled = sorted(a.module for a in bpy.context.preferences.addons)
            print('blendbatch-prefs: ' + ','.join(enabled), flush=True)
            """
        var environment = ProcessInfo.processInfo.environment
        environment["BLENDER_USER_CONFIG"] = folder
        guard let child = try? ChildProcess.spawn(blender, ["-b", "--factory-startup", "--python-exit-code", "1", "--python-expr", script],
                                                  environment: environment) else { return false }
        let timer = DispatchWorkItem { child.signalGroup(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: timer)
        var confirmed = false
        child.readLines { line in if line.hasPrefix("blendbatch-prefs: ") { confirmed = true } }
        timer.cancel()
        return child.wait().isSuccess && confirmed && FileManager.default.fileExists(atPath: folder + "/userpref.blend")
    }

    /// Whether `path` (symbolic links followed) is an ELF executable.
    static func isBinary(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data([0x7F, 0x45, 0x4C, 0x46])
    }

    /// FNV-1a: the same value in every process (Swift's `hashValue` is seeded per process).
    static func stableHash(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }
}
