import Foundation
import Testing

/// The Python saved in a .blend (a registered text block) runs only as the user's Blender preference
/// says, and only for a .blend the user named: a sandboxed recipe cannot make Blender run code by
/// rendering a .blend it found or wrote itself (real Blender 3.4, Auto Run Python Scripts on).
@Suite("Scripts saved in a .blend (binary, real Blender)", .serialized, .requires(.blender))
struct BlendScriptsTests {
    @Test("auto-run on: the user's own render runs the file's script; a recipe's render of a file the user did not name does not")
    func scriptsOnlyForNamedFiles() throws {
        let folder = Binary.folder("scripts")
        let marker = folder + "/script-ran", src = folder + "/src", prefs = folder + "/prefs"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: prefs, withIntermediateDirectories: true)
        // A shot whose registered text block writes `marker` when Blender runs it, and preferences that allow it.
        let make = """
            import bpy
            bpy.context.preferences.filepaths.save_version = 0
            text = bpy.data.texts.new('startup.py')
            text.write("open('\(marker)', 'w').write('ran')\\n")
            text.use_module = True
            bpy.ops.wm.save_as_mainfile(filepath='\(src)/shot.blend')
            bpy.context.preferences.filepaths.use_scripts_auto_execute = True
            bpy.ops.wm.save_userpref()
            """
        let made = try CLIRunner.runTool("/usr/bin/blender", ["-b", Binary.demo, "--python-exit-code", "1", "--python-expr", make],
                                         environment: ["BLENDER_USER_CONFIG": prefs])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        let environment = ["BLENDER_USER_CONFIG": prefs]
        let settings = ["--frames", "1", "--percent", "10", "--samples", "1", "--no-video"]

        // A recipe handed the folder, rendering a .blend in it that the user did not name.
        let recipe = folder + "/found.lua"
        try """
            local p = recipe { name = "found", params = { { name = "src", type = "path" }, { name = "out", type = "path" } } }
            local job = assert(require("render").submit { file = p.src .. "/shot.blend", out = p.out, frames = "1",
                                                          percent = 10, samples = 1, video = false })
            return job:wait {}.exit_code
            """.write(toFile: recipe, atomically: true, encoding: .utf8)
        let found = try CLIRunner.run(["run", recipe, "--src", src, "--out", folder + "/o1"], environment: environment)
        #expect(found.status == 0, "stderr: \(found.stderr)")
        #expect(Binary.frames(folder + "/o1") == ["shot_0001.png"])
        #expect(!FileManager.default.fileExists(atPath: marker), "the recipe's render ran the file's script")

        // The user names the file: Blender follows their preference.
        let named = try CLIRunner.run(["render", src + "/shot.blend", "--out", folder + "/o2"] + settings, environment: environment)
        #expect(named.status == 0, "stderr: \(named.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker), "the user's own render should follow their preference")
    }
}
