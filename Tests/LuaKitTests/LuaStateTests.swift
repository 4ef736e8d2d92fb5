import Testing
@testable import LuaKit

@Suite("LuaState: libraries and the sandbox")
struct LuaStateTests {
    @Test("trusted states have all of Lua")
    func trusted() throws {
        let lua = try LuaState(libraries: .all)
        #expect(try lua.run("return _VERSION, type(io.open), type(os.execute), type(debug)") ==
            [.string("Lua 5.4"), .string("function"), .string("function"), .string("table")])
    }

    @Test("sandboxed states keep the safe libraries")
    func sandboxKeeps() throws {
        let lua = try LuaState(libraries: .sandboxed)
        let r = try lua.run("""
            return string.format('%d', 3), table.concat({1, 2}, ','), math.floor(2.5), utf8.char(72),
                   type(coroutine.wrap), type(os.time()), type(os.clock()), type(os.date('%Y')),
                   load('return 1 + 1')()
            """)
        #expect(r == ["3", "1,2", 2, "H", "function", "number", "number", "string", 2])
    }

    @Test("sandbox escapes are refused with a clear message", arguments: [
        "io.open('/etc/passwd')", "os.execute('true')", "os.remove('/tmp/x')", "os.getenv('HOME')",
        "package.loadlib('libc.so.6', 'puts')", "dofile('/etc/passwd')", "loadfile('/etc/passwd')",
        "string.dump(print)", "require('io')", "require('socket')", "debug.getinfo(1)",
        "load(string.char(27, 76, 117, 97, 84))",  // a binary chunk header
        "load('return 1', 'x', 'b')",
    ])
    func sandboxRefuses(_ code: String) throws {
        let lua = try LuaState(libraries: .sandboxed)
        let r = try lua.run("local ok, a, b = pcall(function() return \(code) end); return ok, a, b")
        let refused = r[0] == .boolean(false) || (r[1].isNil && r[2] != .nil)
        #expect(refused, "\(code) was allowed: \(r)")
        let text = (r[1].stringValue ?? "") + (r[2].stringValue ?? "")
        if code.hasPrefix("io.") || code.hasPrefix("os.") || code.hasPrefix("package.") || code.hasPrefix("dofile") {
            #expect(text.contains("not available in the sandbox (run with --trust"))
        }
    }

    @Test("a syntax error names the chunk and line")
    func syntax() throws {
        let lua = try LuaState()
        #expect(throws: LuaError.syntax("recipe.lua:2: unexpected symbol near '?'")) {
            try lua.run("local a = 1\n?", name: "@recipe.lua")
        }
    }
}
