import Foundation
import Testing
@testable import Render

@Suite("Render preferences (real Blender)", .serialized, .requires(.blender))
struct RenderPreferencesTests {
    /// A HOME without Blender preferences and a fresh cache folder.
    func sandbox() -> (environment: [String: String], cache: String) {
        let root = TestSupport.temporaryFolder("prefs")
        try? FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = root + "/home"
        environment["XDG_CONFIG_HOME"] = nil
        environment["BLENDER_USER_CONFIG"] = nil
        environment["BLENDBATCH_RENDER_PREFS"] = nil
        return (environment, root + "/cache")
    }

    @Test("on factory settings: made once, Blender reads it, the import/export add-ons are off and Cycles is on")
    func madeAndUsed() throws {
        let (environment, cache) = sandbox()
        let added = RenderPreferences.environment(blender: TestSupport.blender, cache: cache, environment: environment)
        let folder = try #require(added["BLENDER_USER_CONFIG"])
        #expect(FileManager.default.fileExists(atPath: folder + "/userpref.blend"))
        #expect(RenderPreferences.environment(blender: TestSupport.blender, cache: cache, environment: environment) == added)

        var run = environment
        run["BLENDER_USER_CONFIG"] = folder
        let blender = try CLIRunner.runTool(TestSupport.blender, ["-b", "--python-expr",
            "import bpy; print('addons: ' + ','.join(sorted(a.module for a in bpy.context.preferences.addons)))"], environment: run, inherit: false)
        let printed = blender.stdout.split(separator: "\n").last { $0.hasPrefix("addons: ") }
        let addons = printed.map { $0.dropFirst(8).split(separator: ",").map(String.init) } ?? []
        #expect(blender.status == 0)
        #expect(addons.contains("cycles"))
        #expect(!addons.contains("io_scene_fbx") && !addons.contains("io_scene_gltf2"), "\(addons)")
    }

    @Test("a user's own preferences, BLENDER_USER_CONFIG or BLENDBATCH_RENDER_PREFS=user leave Blender as the user set it up")
    func userSetupWins() throws {
        var (environment, cache) = sandbox()
        #expect(RenderPreferences.environment(blender: TestSupport.blender, cache: cache,
                                              environment: environment.merging(["BLENDBATCH_RENDER_PREFS": "user"]) { $1 }).isEmpty)
        #expect(RenderPreferences.environment(blender: TestSupport.blender, cache: cache,
                                              environment: environment.merging(["BLENDER_USER_CONFIG": "/x"]) { $1 }).isEmpty)
        let config = environment["HOME"]! + "/.config/blender/3.4/config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: config + "/userpref.blend", contents: Data("BLENDER".utf8))
        #expect(RenderPreferences.environment(blender: TestSupport.blender, cache: cache, environment: environment).isEmpty)
        environment["XDG_CONFIG_HOME"] = environment["HOME"]! + "/elsewhere"
        #expect(RenderPreferences.userHasPreferences(environment) == false)
        #expect(!FileManager.default.fileExists(atPath: cache), "nothing was made")
    }

    @Test("a script in Blender's place is left alone; a binary that cannot make them is tried once, then remembered")
    func standInsAndFailures() throws {
        let (environment, cache) = sandbox()
        #expect(RenderPreferences.environment(blender: TestSupport.repo + "/Tests/Fixtures/crashing-blender.py", cache: cache,
                                              environment: environment).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cache))
        #expect(RenderPreferences.environment(blender: "/bin/false", cache: cache, environment: environment).isEmpty)
        let failed = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".failed") }
        #expect(failed.count == 1)
        #expect(RenderPreferences.environment(blender: "/bin/false", cache: cache, environment: environment).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).count == 1, "no temp folder left behind")
    }
}
