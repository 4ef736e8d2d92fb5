import Testing
import Foundation
@testable import LuaKit

@Suite("LuaState+Call: the protected path with tracebacks")
struct LuaStateCallTests {
    @Test("a runtime error carries message, position and traceback")
    func traceback() throws {
        let lua = try LuaState()
        let code = "local function inner()\n  error('boom')\nend\ninner()\n"
        #expect {
            try lua.run(code, name: "@recipe.lua")
        } throws: { error in
            guard case LuaError.runtime(let message, let traceback) = error else { return false }
            return message == "recipe.lua:2: boom" && traceback.hasPrefix("stack traceback:")
                && traceback.contains("recipe.lua:2: in") && traceback.contains("recipe.lua:4: in main chunk")
        }
        #expect(lua.stack.top == 0)
    }

    @Test("non-string error objects are described")
    func errorObjects() throws {
        let lua = try LuaState()
        #expect(throws: LuaError.runtime(message: "(error object is a table value)", traceback: "")) {
            do { try lua.run("error({})") } catch let LuaError.runtime(m, _) { throw LuaError.runtime(message: m, traceback: "") }
        }
        #expect(throws: LuaError.runtime(message: "custom", traceback: "")) {
            do { try lua.run("error(setmetatable({}, {__tostring = function() return 'custom' end}))") }
            catch let LuaError.runtime(m, _) { throw LuaError.runtime(message: m, traceback: "") }
        }
    }

    @Test("run(file:) sets arg like lua.c and passes ... ; a shebang line is skipped")
    func runFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luakit-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("args.lua").path
        try "#!/usr/bin/env blendbatch\nlocal a, b = ...\nreturn arg[0], arg[1], #arg, a, b\n".write(toFile: file, atomically: true, encoding: .utf8)
        let lua = try LuaState()
        #expect(try lua.run(file: file, arguments: ["x", "y"]) == [.string(file), "x", 2, "x", "y"])
    }

    @Test("interrupt() stops a running loop with .interrupted")
    func interrupt() async throws {
        let result: String = try await LuaThread.run {
            let lua = try LuaState()
            _ = InterruptProbe(lua)
            do { try lua.run("require('probe').running() while true do end"); return "finished" } catch LuaError.interrupted { return "interrupted" }
        }
        #expect(result == "interrupted")
    }

    @Test("a callback passed to a primitive runs through the protected path")
    func callbacks() throws {
        let lua = try LuaState()
        lua.register([LuaModule("cb", doc: "") { m in
            m.function("twice", doc: "") { args in
                let f = try args.function(1)
                let a = try f.call([1])
                let b = try f.call([2])
                return .values(a + b)
            }
        }])
        #expect(try lua.run("return require('cb').twice(function(x) return x * 10 end)") == [10, 20])
        do {
            try lua.run("require('cb').twice(function(x) error('inner ' .. x) end)", name: "=t")
            Issue.record("expected an error")
        } catch let LuaError.runtime(message, _) {
            #expect(message == "t:1: inner 1")
        }
    }
}
