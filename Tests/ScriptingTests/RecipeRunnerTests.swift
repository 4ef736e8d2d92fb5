import Testing
import LuaKit
@testable import Scripting

@Suite("RecipeRunner: recipes receive typed values")
struct RecipeRunnerTests {
    @Test("recipe{} returns the values; arg and ... carry the positional words")
    func values() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        var out = ""
        lua.output = { out += $0 }
        let source = RecipeSource(name: "r", text: """
            local p = recipe { params = { { name = 'n', type = 'int' }, { name = 'on', type = 'bool' } } }
            result = { n = p.n, on = p.on, first = arg[1], count = select('#', ...) }
            """, location: "r.lua", origin: "file", isRemote: false)
        try RecipeRunner.run(source, values: ["n": 3, "on": true], arguments: ["x", "y"], in: lua)
        #expect(lua.global("result") == ["n": 3, "on": true, "first": "x", "count": 2])
    }

    @Test("run on its own (no values given), recipe{} returns the defaults")
    func defaults() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        let r = try lua.run("local p = recipe { params = { { name = 'k', type = 'number', default = 2.5 } } }; return p.k")
        #expect(r == [.number(2.5)])
        #expect(throws: LuaError.self) { try lua.run("recipe { params = { { name = 'f', required = true } } }") }
    }

    @Test("RecipeCheck compiles without running and reports syntax errors with the line")
    func check() throws {
        let ok = RecipeSource(name: "ok", text: "recipe { name = 'ok' }\nerror('never runs')", location: "ok.lua", origin: "file", isRemote: false)
        #expect(try RecipeCheck.check(ok)?.name == "ok")
        let bad = RecipeSource(name: "bad", text: "recipe { name = 'bad' }\nlocal = 2", location: "bad.lua", origin: "file", isRemote: false)
        #expect(throws: RecipeError.badDeclaration("bad.lua:2: <name> expected near '='")) { try RecipeCheck.check(bad) }
    }

    @Test("a recipe's chunk returns its exit code; fail(message, code) ends it with the code and one line")
    func exitCodes() throws {
        func run(_ text: String) throws -> Int32 {
            let lua = try ScriptEngine.makeState(trusted: false)
            return try RecipeRunner.run(RecipeSource(name: "r", text: text, location: "r.lua", origin: "file", isRemote: false),
                                        values: [:], in: lua)
        }
        #expect(try run("print('x')") == 0)
        #expect(try run("return 3") == 3)
        #expect(try run("return 'not a code'") == 0)
        #expect(throws: LuaError.self) { try run("return 300") }
        #expect(throws: RecipeExit(message: "no such shot", code: 66)) { try run("fail('no such shot', 'no_input')") }
        #expect(throws: RecipeExit(message: "seven", code: 7)) { try run("fail('seven', 7)") }
        #expect(throws: RecipeExit(message: "plain", code: 1)) { try run("local ok = pcall(error, 'x'); fail('plain')") }
        #expect(RecipeExit(message: "m", code: 65).line == "blendbatch: m")
        // Caught by pcall, fail is an ordinary error: a later, different error stays itself.
        #expect(throws: LuaError.runtime(message: "r.lua:1: later", traceback: "")) {
            do { _ = try run("pcall(fail, 'caught', 5); error('later')") } catch LuaError.runtime(let message, _) {
                throw LuaError.runtime(message: message, traceback: "")
            }
        }
    }
}
