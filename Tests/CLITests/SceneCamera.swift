import Foundation

/// Test files without a camera (blender-asset-tracer's fixtures are asset files, not shots) get one,
/// saved in place by Debian's Blender, so a render of them gets past the pre-flight camera check.
enum SceneCamera {
    /// Add a camera to the active scene of `blend` (a copy the test owns) and save it where it is.
    static func add(to blend: String) throws {
        let script = """
            import bpy
            bpy.context.preferences.filepaths.save_version = 0
            camera = bpy.data.objects.new('Camera', bpy.data.cameras.new('Camera'))
            bpy.context.scene.collection.objects.link(camera)
            bpy.context.scene.camera = camera
            bpy.ops.wm.save_mainfile()
            """
        let result = try CLIRunner.runTool("/usr/bin/blender", ["-b", blend, "--python-exit-code", "1", "--python-expr", script])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    }
}
