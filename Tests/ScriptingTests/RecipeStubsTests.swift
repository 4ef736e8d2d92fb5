import Foundation
import LuaKit
import RenderPlan
import Testing
@testable import Scripting

/// The Lua Language Server stubs stay true to what a recipe can call.
@Suite("recipe stubs", .serialized)
struct RecipeStubsTests {
    @Test("every function of every registered module, and every job method, is defined in the stubs; each stub file is valid Lua")
    func complete() throws {
        let files = RecipeStubs.files()
        let defined = Set(files.values.flatMap(LuaStubs.definedFunctions))
        let lua = try ScriptEngine.makeState(trusted: true)
        let registered = try lua.run("""
            local names = {}
            for module, t in pairs(require 'blendbatch') do
              if type(t) == 'table' then
                for name, f in pairs(t) do if type(f) == 'function' then names[#names + 1] = module .. '.' .. name end end
              end
            end
            return table.concat(names, ' ')
            """).first?.stringValue?.split(separator: " ").map(String.init) ?? []
        #expect(registered.count > 30)
        let missing = registered.filter { !defined.contains($0) }
        #expect(missing.isEmpty, "not in the stubs: \(missing)")
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let top = lua.stack.top
            #expect(throws: Never.self, "\(name) is not valid Lua") { try lua.load(text, name: "=" + name) }
            lua.stack.top = top
        }
        #expect(files["render.lua"]?.contains("---@param opts table\n---@return blendbatch.Job|nil\n---@return string? err") == true)
        #expect(files["blendbatch.lua"]?.contains("---@field framesDone integer") == true)
    }

    @Test("a live job's methods are all in the Job class WithStandInWorker")
    func jobMethods() throws {
        let out = NSTemporaryDirectory() + "bb-stubs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let manifest = JobManifest(id: "s-\(UUID().uuidString.prefix(8).lowercased())", input: "demo.blend", scene: nil,
                                   overrides: RenderOverrides(), chunks: [FrameChunk(index: 0, frames: [1])],
                                   output: OutputSpec(location: out, name: "demo"), stitch: nil)
        try manifest.encoded().write(to: URL(fileURLWithPath: out + "/manifest.json"))
        let lua = try ScriptEngine.makeState(trusted: true)
        let methods = try lua.run("""
            local job = assert(require('batch').submit(..., {worker = '\(BatchModuleTests.standIn)'}))
            job:wait{}
            local names = {}
            for name in pairs(getmetatable(job).__methods) do names[#names + 1] = 'Job:' .. name end
            return table.concat(names, ' ')
            """, arguments: [.string(out + "/manifest.json")]).first?.stringValue?.split(separator: " ").map(String.init) ?? []
        let defined = Set(LuaStubs.definedFunctions(in: RecipeStubs.files()["blendbatch.lua"] ?? ""))
        #expect(methods.count >= 5)
        #expect(methods.filter { !defined.contains($0) }.isEmpty)
    }
}
