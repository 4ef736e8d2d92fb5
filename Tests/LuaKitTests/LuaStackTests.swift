import Testing
@testable import LuaKit

@Suite("LuaStack: conversions between Swift and Lua")
struct LuaStackTests {
    @Test("scalars, strings and nested tables round-trip", arguments: [
        LuaValue.nil, true, false, 42, -7, 2.5, "héllo", "",
        [1, 2, 3], ["a": 1, "b": ["c": [true, "x"]]], [],
    ] as [LuaValue])
    func roundTrip(_ value: LuaValue) throws {
        let lua = try LuaState()
        lua.stack.push(value)
        #expect(lua.stack.value(at: -1) == value)
        #expect(lua.stack.top == 1)
    }

    @Test("Lua-made values read back with their Lua types")
    func readsLuaValues() throws {
        let lua = try LuaState()
        let r = try lua.run("return 1, 1.0, 'x', {1, 2, n = 3}, {[1] = 'a', [3] = 'c'}, print")
        #expect(r[0] == .integer(1))
        #expect(r[1] == .number(1.0))
        #expect(r[3] == .table(["1": 1, "2": 2, "n": 3]))
        #expect(r[4] == .table(["1": "a", "3": "c"]))
        #expect(r[5] == .opaque("function"))
    }

    @Test("a cyclic table is copied without looping forever")
    func cycles() throws {
        let lua = try LuaState()
        let r = try lua.run("local t = {name = 't'}; t.self = t; return t")
        #expect(r == [.table(["name": "t", "self": .opaque("table")])])
    }

    @Test("Encodable values push as tables; Decodable reads them back")
    func codable() throws {
        struct Shot: Codable, Equatable { var name: String; var frames: [Int]; var fps: Double; var tags: [String: Bool] }
        let lua = try LuaState()
        let shot = Shot(name: "s1", frames: [1, 2], fps: 24, tags: [:])
        try lua.stack.push(encodable: shot)
        lua.stack.setGlobal("shot")
        #expect(try lua.run("return shot.name, #shot.frames, shot.fps") == [.string("s1"), .integer(2), .integer(24)])
        lua.stack.pushGlobal("shot")
        #expect(try lua.stack.decode(Shot.self, at: -1) == shot)
        // An empty Lua table decodes as an empty array or map, whichever the type wants.
        let empty = try lua.run("return {name = 'e', frames = {}, fps = 1.5, tags = {}}")[0]
        #expect(try empty.decode(Shot.self) == Shot(name: "e", frames: [], fps: 1.5, tags: [:]))
    }

    @Test("type names in messages use __name")
    func typeNames() throws {
        let lua = try LuaState()
        lua.stack.pushNil()
        #expect(lua.stack.typeName(at: -1) == "nil")
        #expect(lua.stack.typeName(at: 5) == "no value")
    }
}
