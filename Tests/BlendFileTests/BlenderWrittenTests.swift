import Foundation
import Testing
@testable import BlendFile

/// Files written during the test by the installed Blender with settings chosen here, compared
/// field by field. Skipped when Blender is not installed.
@Suite("Files written now by the installed Blender", .serialized)
struct BlenderWrittenTests {
    static let blender = ["/usr/bin/blender", "/usr/local/bin/blender"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let script = #"""
import bpy, sys
out = sys.argv[sys.argv.index("--") + 1]
a = bpy.data.scenes["Scene"]
a.frame_start, a.frame_end, a.frame_step = 7, 131, 3
a.render.fps, a.render.fps_base = 30, 1.001
a.render.resolution_x, a.render.resolution_y, a.render.resolution_percentage = 64, 36, 75
a.render.engine = "BLENDER_WORKBENCH"
a.render.filepath = "//frames/f_####"
a.render.image_settings.file_format = "OPEN_EXR"
a.camera = None
b = bpy.data.scenes.new("Second Shot")
b.frame_start, b.frame_end, b.frame_step = 0, 5, 1  # Blender clamps starts below 0
b.render.fps, b.render.fps_base = 25, 1.0
b.render.resolution_x, b.render.resolution_y, b.render.resolution_percentage = 320, 240, 100
b.render.engine = "CYCLES"
b.render.filepath = "/tmp/out/"
b.render.image_settings.file_format = "JPEG"
cam = bpy.data.objects.new("Hero Cam", bpy.data.cameras.new("HeroCamData"))
b.collection.objects.link(cam)
b.camera = cam
c = bpy.data.scenes.new("Third")
c.frame_start, c.frame_end, c.frame_step = 1001, 1100, 10
c.render.engine = "BLENDER_EEVEE"
c.render.image_settings.file_format = "FFMPEG"
for name, path, source in [("wood", "//textures/wood.png", "FILE"), ("seq", "//seq/img_0001.png", "SEQUENCE"),
                           ("tiles", "//tiles/t.<UDIM>.png", "TILED")]:
    im = bpy.data.images.new(name, 4, 4)
    im.source = source
    im.filepath = path
    im.use_fake_user = True
bpy.context.window_manager.windows[0].scene = b
bpy.ops.wm.save_as_mainfile(filepath=out + "/plain.blend", compress=False)
bpy.ops.wm.save_as_mainfile(filepath=out + "/zstd.blend", compress=True)
"""#

    @Test("odd ranges, steps, fps_base 1.001, three scenes with the second active, compression off and on",
          .requires(.blender))
    func writtenByBlender() throws {
        let dir = try TestFiles.tempDir("blender")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("make.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let status = try TestFiles.run(Self.blender!, ["-b", "--factory-startup", "--python-exit-code", "1",
                                                       "--python", script.path, "--", dir.path])
        try #require(status == 0)
        let plain = try BlendFileReader.read(path: dir.appendingPathComponent("plain.blend").path)
        let zstd = try BlendFileReader.read(path: dir.appendingPathComponent("zstd.blend").path)
        #expect(plain.compression == .none && zstd.compression == .zstd)
        #expect(plain.blenderVersion == "3.4")
        for info in [plain, zstd] {
            #expect(info.scenes.map(\.name) == ["Scene", "Second Shot", "Third"])
            #expect(info.activeScene == "Second Shot")
            let a = try #require(info.scene(named: "Scene"))
            #expect(a.frameStart == 7 && a.frameEnd == 131 && a.frameStep == 3)
            #expect(a.fps == 30 && a.fpsBase == 1.001 && abs(a.frameRate - 29.97003) < 1e-4)
            #expect(a.resolutionX == 64 && a.resolutionY == 36 && a.resolutionPercentage == 75)
            #expect(a.engine == "BLENDER_WORKBENCH" && a.outputPath == "//frames/f_####")
            #expect(a.fileFormat == "OPEN_EXR" && a.camera == nil)
            let b = try #require(info.scene)
            #expect(b.name == "Second Shot")
            #expect(b.frameStart == 0 && b.frameEnd == 5 && b.frameStep == 1 && b.fps == 25 && b.fpsBase == 1)
            #expect(b.resolutionX == 320 && b.resolutionY == 240 && b.resolutionPercentage == 100)
            #expect(b.engine == "CYCLES" && b.outputPath == "/tmp/out/" && b.fileFormat == "JPEG")
            #expect(b.camera == "Hero Cam")
            let c = try #require(info.scene(named: "Third"))
            #expect(c.frameStart == 1001 && c.frameEnd == 1100 && c.frameStep == 10)
            #expect(c.engine == "BLENDER_EEVEE" && c.fileFormat == "FFMPEG")
            #expect(info.dependencies.contains(Dependency(kind: .image, path: "//textures/wood.png")))
            #expect(info.dependencies.contains(Dependency(kind: .image, path: "//seq/img_0001.png", nature: .sequence)))
            #expect(info.dependencies.contains(Dependency(kind: .image, path: "//tiles/t.<UDIM>.png", nature: .udim)))
        }
        #expect(plain.scenes == zstd.scenes)
    }
}
