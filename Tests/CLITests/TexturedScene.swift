import Foundation

/// A scene whose look comes from an external file: `project/shots/scene.blend` lights its world
/// with `//../textures/red.png` (made by FFmpeg, saved as a relative path by a real Blender). The
/// camera sees the red texture everywhere; without the file, Blender's missing-image magenta.
enum TexturedScene {
    /// Write the texture and the .blend below `project`; returns the .blend's path.
    static func make(in project: String) throws -> String {
        let blend = project + "/shots/scene.blend"
        try FileManager.default.createDirectory(atPath: project + "/textures", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: project + "/shots", withIntermediateDirectories: true)
        try tool(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=8x8", "-frames:v", "1", project + "/textures/red.png"])
        try tool(["blender", "-b", "--factory-startup", "--python-expr", """
            import bpy
            scene = bpy.context.scene
            for o in list(bpy.data.objects):
                if o.type != 'CAMERA': bpy.data.objects.remove(o)
            scene.view_settings.view_transform = 'Standard'
            world = scene.world
            world.use_nodes = True
            nodes = world.node_tree.nodes
            texture = nodes.new('ShaderNodeTexEnvironment')
            texture.image = bpy.data.images.load('\(project)/textures/red.png')
            world.node_tree.links.new(texture.outputs['Color'], nodes['Background'].inputs['Color'])
            bpy.ops.wm.save_as_mainfile(filepath='\(blend)', relative_remap=True)
            """])
        return blend
    }

    /// Run a tool on PATH; throws with its output when it fails.
    static func tool(_ arguments: [String]) throws {
        let r = try CLIRunner.runTool("/usr/bin/env", arguments)
        guard r.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments[0]) failed: \(r.output.suffix(800))"])
        }
    }

    /// The RGB of an image's centre pixel, decoded by FFmpeg.
    static func centrePixel(_ path: String) throws -> (Int, Int, Int) {
        let decode = try CLIRunner.runTool("/usr/bin/env",
                                           ["ffmpeg", "-v", "error", "-i", path, "-vf", "crop=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let bytes = [UInt8](decode.stdoutData)
        guard bytes.count >= 3 else { return (-1, -1, -1) }
        return (Int(bytes[0]), Int(bytes[1]), Int(bytes[2]))
    }
}
