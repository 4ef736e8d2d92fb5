import Testing
@testable import LuaKit

/// An example module, written the way domain modules are: one line per function.
private struct Point: Codable, Equatable { var x: Int; var y: Int; var label: String? }

private let geometry = LuaModule("geometry", doc: "Tiny example module used by the tests.") { m in
    m.function("add", doc: "geometry.add(a, b) -> number\nAdds two numbers.") { args in
        .value(.number(try args.number(1) + args.number(2)))
    }
    m.function("repeat", doc: "geometry.repeat(s, n) -> string") { args in
        .value(String(repeating: try args.string(1), count: try args.int(2)))
    }
    m.function("mirror", doc: "geometry.mirror(point) -> point") { args in
        let p = try args.decode(Point.self, 1)
        return .value(Point(x: -p.x, y: -p.y, label: p.label))
    }
    m.function("lookup", doc: "geometry.lookup(name) -> point | nil, message, code") { args in
        let name = try args.string(1)
        return name == "origin" ? .value(Point(x: 0, y: 0)) : .failure("no point named '\(name)'", code: "not_found")
    }
    m.function("explode", doc: "geometry.explode() — throws a Swift error") { _ in
        struct Broken: Error, LuaRepresentableError, CustomStringConvertible {
            var luaCode: String { "broken" }
            var description: String { "the widget broke" }
        }
        throw Broken()
    }
    m.constant("unit", 1)
}

@Suite("LuaModule: declaring modules and the two error tiers")
struct LuaModuleTests {
    func state() throws -> LuaState {
        let lua = try LuaState(libraries: .sandboxed)
        lua.register([geometry])
        return lua
    }

    @Test("functions are callable through require and return converted values")
    func callsFunctions() throws {
        let lua = try state()
        let r = try lua.run("local g = require 'geometry'; return g.add(2, 3.5), g['repeat']('ab', 3), g.unit")
        #expect(r == [.number(5.5), .string("ababab"), .integer(1)])
        #expect(try lua.run("return require('blendbatch').geometry == require('geometry')") == [.boolean(true)])
    }

    @Test("misuse raises Lua's own bad-argument message with the caller's position")
    func misuseRaises() throws {
        let lua = try state()
        #expect(throws: LuaError.self) { try lua.run("require('geometry').add(1)", name: "@recipe.lua") }
        do {
            try lua.run("local g = require 'geometry'\ng.add(1)", name: "@recipe.lua")
        } catch let LuaError.runtime(message, traceback) {
            #expect(message == "recipe.lua:2: bad argument #2 to 'geometry.add' (number expected, got no value)")
            #expect(traceback.contains("recipe.lua:2: in main chunk"))
        }
        let r = try lua.run("return pcall(require('geometry')['repeat'], nil, 2)")
        #expect(r == [.boolean(false), .string("bad argument #1 to 'geometry.repeat' (string expected, got nil)")])
        let r2 = try lua.run("return pcall(require('geometry')['repeat'], 'x', 1.5)")
        #expect(r2.last?.stringValue?.contains("number has no integer representation") == true)
    }

    @Test("operational failure returns nil, message, code")
    func failureReturns() throws {
        let lua = try state()
        let r = try lua.run("return require('geometry').lookup('nowhere')")
        #expect(r == [.nil, .string("no point named 'nowhere'"), .string("not_found")])
        let e = try lua.run("return require('geometry').explode()")
        #expect(e == [.nil, .string("the widget broke"), .string("broken")])
    }

    @Test("Codable values cross both ways, with field names in decoding errors")
    func codable() throws {
        let lua = try state()
        let r = try lua.run("local p = require('geometry').mirror{x = 1, y = -2, label = 'a'}; return p.x, p.y, p.label")
        #expect(r == [.integer(-1), .integer(2), .string("a")])
        let bad = try lua.run("return pcall(require('geometry').mirror, {x = 'one', y = 2})")
        #expect(bad.last?.stringValue?.contains("bad argument #1 to 'geometry.mirror' (field 'x'") == true)
    }

    @Test("help lists modules and prints a function's doc")
    func help() throws {
        let lua = try state()
        var printed = ""
        lua.output = { printed += $0 }
        try lua.run("require('blendbatch').help()")
        #expect(printed.contains("geometry"))
        printed = ""
        try lua.run("require('blendbatch').help(require('geometry').add)")
        #expect(printed.hasPrefix("geometry.add(a, b) -> number"))
        printed = ""
        try lua.run("require('blendbatch').help('geometry')")
        #expect(printed.contains("geometry.lookup(name)"))
        #expect(lua.doc(for: "geometry.mirror") == "geometry.mirror(point) -> point")
    }

    @Test("modules become globals when asked (the REPL)")
    func globals() throws {
        let lua = try LuaState()
        lua.register([geometry], asGlobals: true)
        #expect(try lua.run("return geometry.add(1, 1), type(help)") == [.number(2), .string("function")])
    }
}
