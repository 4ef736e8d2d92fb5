import Testing
import LuaKit
import RenderPlan
@testable import Scripting

@Suite("RecipeDeclaration: read without running the body")
struct RecipeDeclarationTests {
    func read(_ source: String) throws -> RecipeDeclaration? {
        try RecipeDeclaration.read(source: source, chunkName: "@r.lua", fallbackName: "r")
    }

    @Test("the leading recipe{} is read; the body never runs")
    func readsDeclaration() throws {
        let d = try read("""
            #!/usr/bin/env blendbatch
            -- a comment with recipe { name = "decoy" }
            --[[ a long
                 comment ]]
            local p = recipe {
              name = "preview", description = "Quick look", -- trailing } comment
              params = {
                { name = "file", type = "path", required = true, help = "the .blend" },
                { name = "percent", type = "int", default = 25 },
                { name = "label", default = "a } brace in a string" },
                { name = "frames", type = "frames", default = "1-10:2" },
              },
            }
            error("the body ran")
            """)
        #expect(d?.name == "preview")
        #expect(d?.description == "Quick look")
        #expect(d?.parameters.map(\.name) == ["file", "percent", "label", "frames"])
        #expect(d?.parameters[0] == RecipeParameter(name: "file", kind: .path, required: true, help: "the .blend"))
        #expect(d?.parameters[1].defaultValue == .integer(25))
        #expect(d?.parameters[2].kind == .string)
        #expect(d?.parameters[2].defaultValue == .string("a } brace in a string"))
    }

    @Test("recipe({...}), a map of params, and a default name")
    func forms() throws {
        let d = try read("recipe({ params = { b = { type = 'bool' }, a = { type = 'number', default = 1 } } })\nprint(1)")
        #expect(d?.name == "r")
        #expect(d?.parameters.map(\.name) == ["a", "b"])
        #expect(d?.parameters[0].defaultValue == .number(1))
    }

    @Test("extends = 'render.submit' gives every declared request field as a parameter, with its type, default and help")
    func extendsRenderSubmit() throws {
        let d = try #require(try read("recipe { extends = 'render.submit', params = { { name = 'json', type = 'bool' } } }"))
        #expect(d.parameters.map(\.name) == RenderRequest.fields.map(\.name) + ["json"])
        #expect(d.parameter(named: "file") == RecipeParameter(name: "file", kind: .path, required: true, help: "the .blend to render"))
        #expect(d.parameter(named: "video")?.defaultValue == .boolean(true))
        #expect(d.parameter(named: "frames")?.kind == .frames)
        #expect(d.parameter(named: "percent")?.kind == .int && d.parameter(named: "percent")?.defaultValue == .nil)
    }

    @Test("a plain script has no declaration")
    func plainScript() throws {
        #expect(try read("print('hi')\nrecipe { name = 'late' }") == nil)
        #expect(try read("") == nil)
    }

    @Test("bad declarations say what and where", arguments: [
        ("\n\nrecipe { name = 1 }", "r.lua:3: recipe name must be a non-empty string"),
        ("recipe { params = { { name = 'x', type = 'colour' } } }", "r.lua:1: recipe parameter 'x' has unknown type 'colour' (use string, int, number, bool, path, frames)"),
        ("recipe { params = { { name = 'x', type = 'int', default = 'ten' } } }", "r.lua:1: recipe parameter 'x' default: 'x' must be an int, got string"),
        ("recipe { nmae = 'x' }", "r.lua:1: recipe has an unknown field 'nmae' (expected name, description, extends, params)"),
        ("recipe { params = { { name = 'x' }, { name = 'x' } } }", "r.lua:1: recipe declares parameter 'x' twice"),
        ("recipe { extends = 'render.sbumit' }", "r.lua:1: recipe extends 'render.sbumit': use 'render.submit'"),
        ("recipe { extends = 'render.submit', params = { { name = 'percent' } } }", "r.lua:1: recipe declares parameter 'percent' twice"),
    ] as [(String, String?)])
    func badDeclarations(_ source: String, _ message: String?) throws {
        #expect {
            _ = try read(source)
        } throws: { error in
            guard case RecipeError.badDeclaration(let m) = error else { return false }
            return message == nil || m == message
        }
    }

    @Test("a hostile declaration is evaluated with no libraries and an instruction budget")
    func hostile() throws {
        #expect(throws: RecipeError.self) { try read("recipe { name = (function() while true do end end)() }") }
        #expect(throws: RecipeError.self) { try read("recipe { name = os.execute('touch /tmp/pwned') }") }
        #expect(throws: RecipeError.self) { try read("recipe { name = io.open('/etc/passwd'):read('a') }") }
        #expect(throws: RecipeError.self) { try read("recipe { name = require('os') }") }
    }
}
