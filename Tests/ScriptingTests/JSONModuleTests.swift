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
