import Testing
import LuaKit
@testable import Scripting

@Suite("ScriptEngine and ModuleRegistry")
struct ScriptEngineTests {
    @Test("every registered module is require-able in the sandbox and listed by help")
    func registry() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        for module in ModuleRegistry.modules {
            #expect(try lua.run("return type(require('\(module.name)'))") == [.string("table")])
            #expect(try lua.run("return require('blendbatch')['\(module.name)'] == require('\(module.name)')") == [.boolean(true)])
            #expect(lua.moduleNames.contains(module.name))
            for function in module.functions {
                #expect(lua.doc(for: "\(module.name).\(function.name)")?.hasPrefix("\(module.name).\(function.name)") == true,
                        "\(module.name).\(function.name) needs a doc starting with its signature")
            }
        }
    }

    @Test("the REPL flavour has full Lua and modules as globals")
    func trusted() throws {
        let lua = try ScriptEngine.makeState(trusted: true, modulesAsGlobals: true)
        #expect(try lua.run("return type(io), bbinfo.lua()") == [.string("table"), .string("Lua 5.4")])
        #expect(lua.global("bbinfo")["version"] == .string(BlendBatchVersion.current))
    }
}
