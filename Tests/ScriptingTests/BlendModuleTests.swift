import Foundation
import LuaKit
import Testing
@testable import Scripting

/// `blend.info` from Lua, on the real files in ../shared/testdata/blend-bat.
@Suite("blend module")
struct BlendModuleTests {
    static let data = blendBat()

    /// Run `code` sandboxed, handing it its arguments (and the missing file the failure test reads).
    func run(_ code: String, _ args: [LuaValue] = []) throws -> [LuaValue] {
        let handed = args.compactMap(\.stringValue) + ["/nonexistent/shot.blend"]
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: handed))
        return try lua.run(code, arguments: args)
    }

    @Test("blend.info returns the file facts, info.scene = the active scene, info.scenes all")
    func info() throws {
        let r = try run("""
            local blend = require "blend"
            local i = assert(blend.info(...))
            return i.blender_version, i.compression, i.pointer_size, i.endianness, i.active_scene,
                   i.scene.name, i.scene.frame_start, i.scene.frame_end, i.scene.frame_step,
                   i.scene.fps, i.scene.frame_rate, i.scene.resolution_x, i.scene.resolution_percentage,
                   i.scene.engine, i.scene.output_path, i.scene.file_format, i.scene.camera,
                   #i.scenes, i.scenes[1].name, i.dependencies[1].path, i.dependencies[1].nature
            """, [.string("\(Self.data)/udim_v01_UDIM_BAT_debugging.blend")])
        #expect(r == [.string("3.2"), .string("zstd"), .integer(8), .string("little"), .string("Scene"),
                      .string("Scene"), .integer(1), .integer(250), .integer(1),
                      .integer(24), .integer(24), .integer(1920), .integer(100),
                      .string("BLENDER_EEVEE"), .string("/tmp/"), .string("PNG"), .string("Camera"),
                      .integer(1), .string("Scene"), .string("//cube_UDIM.color.<UDIM>.png"), .string("udim")])
    }

    @Test("a scene name picks info.scene; an unknown one is nil, message, 'data_error'")
    func scene() throws {
        let r = try run("""
            local blend = require "blend"
            local i = assert(blend.info(..., 'Scene'))
            local n, msg, code = blend.info(..., 'Nope')
            return i.scene.name, n, msg, code
            """, [.string("\(Self.data)/basic_file.blend")])
        #expect(r[0] == .string("Scene") && r[1] == .nil && r[3] == .string("data_error"))
        #expect(r[2].stringValue?.hasSuffix("basic_file.blend: no scene named 'Nope' (scenes: 'Scene')") == true)
    }

    @Test("blend.files: the library a .blend links travels with it; a missing one is named; a missing .blend is 'no_input'")
    func files() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/bb-blend-files-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: Self.data + "/linked_cube.blend", toPath: folder + "/linked_cube.blend")
        try FileManager.default.copyItem(atPath: Self.data + "/basic_file.blend", toPath: folder + "/basic_file.blend")
        try FileManager.default.copyItem(atPath: Self.data + "/geometry-nodes_file_to_pack.blend", toPath: folder + "/gn.blend")
        let r = try run("""
            local blend = require "blend"
            local dir = ...
            local b = assert(blend.files(dir .. '/linked_cube.blend'))
            local g = assert(blend.files(dir .. '/gn.blend'))
            local n, msg, code = blend.files(dir .. '/nope.blend')
            return b.root, b.blend, table.concat(b.files, ','), #b.missing, g.missing[1].path, #g.warnings, n, code
            """, [.string(folder)])
        #expect(r == [.string(folder), .string("linked_cube.blend"), .string("linked_cube.blend,basic_file.blend"), .integer(0),
                      .string("//object_lib.blend"), .integer(1), .nil, .string("no_input")])
    }

    @Test("missing file → nil, message, 'no_input'; corrupt file → nil, message, 'data_error'")
    func failures() throws {
        let r = try run("""
            local blend = require "blend"
            local a, am, ac = blend.info('/nonexistent/shot.blend')
            local b, bm, bc = blend.info(...)
            return a, am, ac, b, bm, bc
            """, [.string("\(Self.data)/corrupt_only_magic.blend")])
        #expect(r[0] == .nil && r[1] == .string("/nonexistent/shot.blend: cannot open: No such file or directory") && r[2] == .string("no_input"))
        #expect(r[3] == .nil && r[5] == .string("data_error"))
        #expect(r[4].stringValue?.contains("no DNA1 block") == true)
    }

    @Test("misuse raises a bad-argument error")
    func misuse() throws {
        let r = try run("""
            local ok, e = pcall((require "blend").info)
            return ok, e
            """)
        #expect(r[0] == .boolean(false))
        #expect(r[1].stringValue?.contains("bad argument #1 to 'blend.info'") == true)
    }

    @Test("help(blend.info) documents the call and its fields")
    func help() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        let doc = try #require(lua.help(named: "blend.info"))
        #expect(doc.contains("blend.info(path [, scene]) -> info | nil, message, code"))
        #expect(doc.contains("frame_start") && doc.contains("dependencies"))
    }
}
