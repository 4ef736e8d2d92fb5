import Testing
import LuaKit
@testable import REPL

@Suite("Completion from the live VM")
struct CompletionTests {
    func complete(_ text: String, in lua: LuaState) -> [String] {
        Completion(state: lua).candidates(for: Completion.word(before: text))
    }

    @Test("the word before the cursor")
    func words() {
        #expect(Completion.word(before: "print(string.for") == "string.for")
        #expect(Completion.word(before: "x = obj:me") == "obj:me")
        #expect(Completion.word(before: "f(") == "")
    }

    @Test("globals, keywords and fields after a dot")
    func fields() throws {
        let lua = try LuaState()
        #expect(complete("string.for", in: lua) == ["string.format"])
        #expect(complete("pri", in: lua) == ["print"])
        #expect(complete("whi", in: lua) == ["while"])
        try lua.run("shot = {frames = {first = 1, last = 2}, fps = 24}")
        #expect(complete("shot.frames.", in: lua) == ["shot.frames.first", "shot.frames.last"])
        #expect(complete("nothing.", in: lua) == [])
        #expect(complete("shot.fps.", in: lua) == [])
    }

    @Test("methods after a colon, through the metatable's __index")
    func methods() throws {
        let lua = try LuaState()
        #expect(complete("('x'):up", in: lua) == [])  // not a name path; nothing to complete
        try lua.run("s = 'text'")
        #expect(complete("s:up", in: lua) == ["s:upper"])
        try lua.run("obj = setmetatable({}, {__index = {run = function() end, name = 'x'}})")
        #expect(complete("obj:", in: lua) == ["obj:run"])
        #expect(complete("obj.", in: lua) == ["obj.name", "obj.run"])
    }

    @Test("common prefix")
    func prefix() {
        #expect(Completion.commonPrefix(["string.format", "string.find"]) == "string.f")
        #expect(Completion.commonPrefix([]) == "")
    }
}
