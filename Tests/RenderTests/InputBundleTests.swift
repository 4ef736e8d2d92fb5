import Foundation
import Testing
@testable import Render

/// What travels with a .blend to a machine without this disk, from real .blend files (blend-bat)
/// placed in temp folders with the files they refer to.
@Suite("InputBundle: a .blend and the files it uses", .requires(.blender))
struct InputBundleTests {
    /// Copy blend-bat's `name` to `folder/relative`, creating folders.
    func place(_ name: String, at folder: String, _ relative: String) throws {
        let target = folder + "/" + relative
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.blendBat(name), toPath: target)
    }

    func touch(_ folder: String, _ relatives: [String]) throws {
        for relative in relatives {
            let path = folder + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test("a linked library travels, and its own references are read in turn")
    func library() throws {
        let folder = TestSupport.temporaryFolder("bundle-lib")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try place("linked_cube.blend", at: folder, "shot/linked_cube.blend")   // links //basic_file.blend
        try place("basic_file.blend", at: folder, "shot/basic_file.blend")
        let bundle = try InputBundle.collect(blend: folder + "/shot/linked_cube.blend")
        #expect(bundle.root == folder + "/shot")
        #expect(bundle.blend == "linked_cube.blend")
        #expect(bundle.files == ["linked_cube.blend", "basic_file.blend"])
        #expect(bundle.absolute.isEmpty && bundle.missing.isEmpty && bundle.unreadable.isEmpty && bundle.warnings.isEmpty)
    }

    @Test("a sequence strip's frames and a movie referred to twice, four folders up: the root is their common folder")
    func sequenceAndMovie() throws {
        let folder = TestSupport.temporaryFolder("bundle-seq")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // image_sequencer.blend refers to //imgseq/000210.png (a sequence) and
        // //../../../../cloud/pillar/testfiles/video-tiny.mkv (as a movie strip and as a sound).
        try place("image_sequencer.blend", at: folder, "a/b/c/d/edit.blend")
        try touch(folder, ["a/b/c/d/imgseq/000210.png", "a/b/c/d/imgseq/000211.png", "a/b/c/d/imgseq/000212.png",
                           "a/b/c/d/imgseq/notes.png", "a/b/c/d/imgseq/000213.jpg", "cloud/pillar/testfiles/video-tiny.mkv"])
        let bundle = try InputBundle.collect(blend: folder + "/a/b/c/d/edit.blend")
        #expect(bundle.root == folder)
        #expect(bundle.blend == "a/b/c/d/edit.blend")
        #expect(bundle.files == ["a/b/c/d/edit.blend", "a/b/c/d/imgseq/000210.png", "a/b/c/d/imgseq/000211.png",
                                 "a/b/c/d/imgseq/000212.png", "cloud/pillar/testfiles/video-tiny.mkv"])
        #expect(bundle.missing.isEmpty)
    }

    @Test("UDIM tiles travel tile by tile")
    func udim() throws {
        let folder = TestSupport.temporaryFolder("bundle-udim")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try place("udim_v01_UDIM_BAT_debugging.blend", at: folder, "udim.blend")  // //cube_UDIM.color.<UDIM>.png
        try touch(folder, ["cube_UDIM.color.1001.png", "cube_UDIM.color.1002.png", "cube_UDIM.color.png", "cube_UDIM.normal.1001.png"])
        let bundle = try InputBundle.collect(blend: folder + "/udim.blend")
        #expect(bundle.files == ["udim.blend", "cube_UDIM.color.1001.png", "cube_UDIM.color.1002.png"])
    }

    @Test("absolute and missing references are reported, each with the file that holds it, and what to do")
    func absoluteAndMissing() throws {
        let folder = TestSupport.temporaryFolder("bundle-abs")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try place("absolute_path.blend", at: folder, "abs.blend")
        let bundle = try InputBundle.collect(blend: folder + "/abs.blend")
        #expect(bundle.isSingleFile && bundle.files == ["abs.blend"])
        #expect(bundle.missing.map(\.path) == ["//textures/Bricks/brick_dotted_04-color.jpg"])
        #expect(bundle.absolute.map(\.path) == ["/home/sybren/workspace/bam/blender-asset-tracer/tests/blendfiles/textures/Textures/Buildings/buildings_roof_04-color.png"])
        #expect(bundle.missing.allSatisfy { $0.holder == folder + "/abs.blend" })
        #expect(bundle.warnings.count == 2)
        #expect(bundle.warnings[0].hasPrefix("1 absolute path cannot travel with the .blend: /home/sybren/") && bundle.warnings[0].contains("Make Paths Relative"))
        #expect(bundle.warnings[1] == "1 file is missing here: //textures/Bricks/brick_dotted_04-color.jpg (in abs.blend); Blender renders missing images magenta")
    }

    @Test("a library that is there but not a .blend still travels, reported as not searched")
    func unreadableLibrary() throws {
        let folder = TestSupport.temporaryFolder("bundle-bad-lib")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try place("linked_cube.blend", at: folder, "linked_cube.blend")
        try touch(folder, ["basic_file.blend"])
        let bundle = try InputBundle.collect(blend: folder + "/linked_cube.blend")
        #expect(bundle.files == ["linked_cube.blend", "basic_file.blend"])
        #expect(bundle.unreadable.map(\.path) == ["//basic_file.blend"])
        #expect(bundle.warnings == ["linked library carried but not searched for their own files: //basic_file.blend (in linked_cube.blend)"])
    }

    /// Run Blender on its factory settings with `python`.
    func blender(_ python: String) throws {
        let run = try CLIRunner.runTool(TestSupport.blender, ["-b", "--factory-startup", "--python-expr", python])
        #expect(run.status == 0, "\(run.output.split(separator: "\n").suffix(10).joined(separator: "\n"))")
    }

    @Test("a library linked by a library (saved by a real Blender): both travel, each path resolved from where it is stored")
    func indirectLibrary() throws {
        let folder = TestSupport.temporaryFolder("bundle-indirect")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/sets/street", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/props", withIntermediateDirectories: true)
        try blender("import bpy; bpy.ops.wm.save_as_mainfile(filepath='\(folder)/props/lamp.blend')")
        try blender("""
            import bpy
            for o in list(bpy.data.objects): bpy.data.objects.remove(o)
            with bpy.data.libraries.load('\(folder)/props/lamp.blend', link=True, relative=True) as (src, dst):
                dst.objects = ['Cube']
            for o in dst.objects: bpy.data.collections['Collection'].objects.link(o)
            bpy.ops.wm.save_as_mainfile(filepath='\(folder)/sets/street/set.blend', relative_remap=True)
            """)
        try blender("""
            import bpy
            for o in list(bpy.data.objects):
                if o.type != 'CAMERA': bpy.data.objects.remove(o)
            with bpy.data.libraries.load('\(folder)/sets/street/set.blend', link=True, relative=True) as (src, dst):
                dst.collections = ['Collection']
            for c in dst.collections: bpy.context.scene.collection.children.link(c)
            bpy.ops.wm.save_as_mainfile(filepath='\(folder)/shot.blend', relative_remap=True)
            """)
        let bundle = try InputBundle.collect(blend: folder + "/shot.blend")
        #expect(bundle.root == folder)
        #expect(bundle.files.first == "shot.blend" && Set(bundle.files) == ["shot.blend", "sets/street/set.blend", "props/lamp.blend"])
        #expect(bundle.files.count == 3, "each once: the shot lists the indirect library too")
        #expect(bundle.warnings.isEmpty, "\(bundle.warnings)")
    }

    @Test("numbered names: the last digit run, <UDIM> and <UVTILE> tokens")
    func numberedNames() throws {
        let frame = try #require(InputBundle.Collector.numberedPattern("shot_v2_0042.exr"))
        #expect(frame.matches("shot_v2_0001.exr") && frame.matches("shot_v2_12345.exr") && !frame.matches("shot_v2_.exr") && !frame.matches("shot_v3_0001.exr"))
        let tile = try #require(InputBundle.Collector.numberedPattern("skin.<UVTILE>.png"))
        #expect(tile.matches("skin.u1_v1.png") && tile.matches("skin.u10_v2.png") && !tile.matches("skin.1001.png"))
        #expect(InputBundle.Collector.numberedPattern("wood.png") == nil)
        #expect(InputBundle.commonFolder(["/a/b/c", "/a/b", "/a/bc/d"]) == "/a" && InputBundle.commonFolder(["/x", "/y"]) == "/")
    }
}
