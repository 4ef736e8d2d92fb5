import Foundation
import Testing

/// The BlendBatchLua plugin loaded by Debian's real `lua5.4` interpreter.
@Suite("lua5.4 require 'blendbatch'")
struct PluginTests {
    /// A folder with `blendbatch.so` → the built libBlendBatchLua.so, for package.cpath.
    func pluginDir() throws -> URL {
        let lib = URL(fileURLWithPath: CLIRunner.binary).deletingLastPathComponent().appendingPathComponent("libBlendBatchLua.so")
        try #require(FileManager.default.fileExists(atPath: lib.path), "build the plugin first: swift build --product BlendBatchLua")
        let dir = try CLIRunner.tempDir()
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/blendbatch.so", withDestinationPath: lib.path)
        return dir
    }

    func lua(_ code: String) throws -> (status: Int32, out: String, err: String) {
        let dir = try pluginDir()
        let r = try CLIRunner.runTool("/usr/bin/lua5.4", ["-e", "package.cpath = '\(dir.path)/?.so;' .. package.cpath", "-e", code])
        return (r.status, r.stdout, r.stderr)
    }

    @Test("stock lua5.4 loads every registered module, with the same docs and errors")
    func loads() throws {
        let r = try lua("""
            local bb = require 'blendbatch'
            print(bb.bbinfo.lua(), bb.version ~= nil, type(bb.help), type(bb.recipes.list))
            print(pcall(bb.recipes.run))
            print(require('bbinfo') == bb.bbinfo, require('blendbatch') == bb)
            local t = {}; for i = 1, 1000 do t[i] = {i} end; collectgarbage()  -- tables and GC, one Lua copy
            """)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "Lua 5.4\ttrue\tfunction\tfunction\nfalse\tbad argument #1 to 'recipes.run' (string expected, got no value)\ntrue\ttrue\n")
    }

    @Test("the acceptance line: bb.blend.info(x).scene.frame_end from Debian's lua5.4")
    func blendInfo() throws {
        let file = blendBat("basic_file.blend")
        let r = try lua("local bb = require 'blendbatch'; print(bb.blend.info('\(file)').scene.frame_end)")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "250\n")
    }
}
