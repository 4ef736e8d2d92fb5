import Testing
import LuaKit
@testable import Scripting

@Suite("Lua module: json")
struct JSONModuleTests {
    func run(_ code: String) throws -> [LuaValue] {
        try ScriptEngine.makeState(trusted: false).run("local json = require 'json'; " + code)
    }

    @Test("decode gives sequences, tables, integers and floats; null leaves no key")
    func decode() throws {
        let r = try run(#"local v = json.decode('{"a":[1,2.5,"x"],"b":{"c":true},"n":null}'); return v.a[1], v.a[2], v.a[3], v.b.c, v.n, #v.a"#)
        #expect(r == [1, 2.5, "x", true, .nil, 3])
        #expect(try run("return math.type(json.decode('[7]')[1])") == ["integer"])
    }

    @Test("encode is stable (sorted keys) and round-trips through decode")
    func encode() throws {
        #expect(try run("return json.encode{b=1, a={1, 2}, s='q\"/'}") == [#"{"a":[1,2],"b":1,"s":"q\"/"}"#])
        #expect(try run("return json.encode({})") == ["[]"])
        let r = try run("local t = json.decode(json.encode{frames={1, 5, 9}, name='shot'}); return t.frames[3], t.name")
        #expect(r == [9, "shot"])
        #expect(try run("return json.encode({x=1}, {pretty=true})").first?.stringValue?.contains("\n") == true)
    }

    @Test("bad JSON returns nil, message, 'data_error'; a function cannot be encoded (bad argument)")
    func errors() throws {
        let r = try run("return json.decode('{\"a\": }')")
        #expect(r.first == .nil && r.last == "data_error")
        #expect(r[1].stringValue?.hasPrefix("json.decode: not valid JSON") == true)
        let raised = try run("return pcall(json.encode, print)")
        #expect(raised.first == false)
        #expect(raised[1].stringValue?.contains("bad argument #1 to 'json.encode'") == true)
    }
}

@Suite("Lua module: json refuses what it cannot encode faithfully")
struct JSONLimitTests {
    func run(_ code: String) throws -> [LuaValue] {
        try ScriptEngine.makeState(trusted: false).run("local json = require 'json'; " + code)
    }

    @Test("a cycle, nesting past 100 levels and a graph of shared subtables are errors, not null or hours of work")
    func limits() throws {
        let cycle = try run("local t = {} t.self = t return pcall(json.encode, t)")
        #expect(cycle[0] == false && cycle[1].stringValue?.contains("a table contains itself") == true)
        let deep = try run("local t = {} local c = t for i = 1, 150 do c.x = {} c = c.x end return pcall(json.encode, t)")
        #expect(deep[0] == false && deep[1].stringValue?.contains("nested deeper than 100 levels") == true)
        let graph = try run("local g = {1} for i = 1, 40 do g = {g, g} end return pcall(json.encode, g)")
        #expect(graph[0] == false && graph[1].stringValue?.contains("more than 1000000 values") == true)
        let huge = try run("return json.decode('[' .. string.rep('0,', 40 << 20) .. '0]')")
        #expect(huge[0] == .nil && huge[1].stringValue?.contains("it reads at most 64 MiB") == true && huge[2] == "data_error")
        // Shared, but no cycle and small: encoded in full.
        #expect(try run("local s = {1} return json.encode{s, s}") == ["[[1],[1]]"])
    }
}
