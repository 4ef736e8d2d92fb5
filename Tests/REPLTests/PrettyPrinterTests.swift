import Testing
import LuaKit
@testable import REPL

@Suite("PrettyPrinter")
struct PrettyPrinterTests {
    func show(_ code: String, _ configure: (inout PrettyPrinter) -> Void = { _ in }) throws -> String {
        let lua = try LuaState()
        try lua.load("return " + code, name: "=t")
        try lua.call(nargs: 0, nresults: 1)
        var printer = PrettyPrinter(stack: lua.stack)
        configure(&printer)
        return printer.format(at: -1)
    }

    @Test("scalars print as Lua prints them; strings raw at top level, quoted inside tables")
    func scalars() throws {
        #expect(try show("42") == "42")
        #expect(try show("2.5") == "2.5")
        #expect(try show("'hi'") == "hi")
        #expect(try show("{'a\\n'}") == "{ \"a\\n\" }")
        #expect(try show("nil") == "nil")
    }

    @Test("sequence first, then keys sorted; odd keys bracketed")
    func sorted() throws {
        #expect(try show("{3, 4, z = 1, a = true, ['two words'] = 2, [10] = 'x'}") ==
            "{ 3, 4, [10] = \"x\", a = true, [\"two words\"] = 2, z = 1 }")
    }

    @Test("cycles are marked, depth and length are capped")
    func limits() throws {
        let cyclic = try show("(function() local t = {name = 'loop'}; t.me = t; return t end)()")
        #expect(cyclic.hasPrefix("{ me = <cycle: table: 0x"))
        let long = try show("(function() local t = {}; for i = 1, 100 do t[i] = i end; return t end)()") { $0.maxItems = 5 }
        #expect(long == "{ 1, 2, 3, 4, 5, ... (95 more) }")
        #expect(try show("{{{{{{{1}}}}}}}").contains("{...}"))
    }

    @Test("long tables break over lines with indentation")
    func multiline() throws {
        let text = try show("{alpha = string.rep('a', 40), beta = string.rep('b', 40)}")
        #expect(text == "{\n  alpha = \"\(String(repeating: "a", count: 40))\",\n  beta = \"\(String(repeating: "b", count: 40))\"\n}")
    }
}
