import Foundation
import Testing
@testable import LuaKit

@Suite("LuaState limits: memory, instruction budget, interrupts that pcall cannot swallow")
struct LuaStateLimitsTests {
    @Test("past its memory limit a state raises 'not enough memory', frees what it held and runs again")
    func memoryLimit() throws {
        let lua = try LuaState(libraries: .sandboxed, memoryLimit: 32 << 20)
        #expect(throws: LuaError.self) { try lua.run("local s = 'x' for i = 1, 31 do s = s .. s end return #s") }
        #expect(lua.memoryUsed < 32 << 20)
        #expect(try lua.run("return select(2, pcall(string.rep, 'x', 1 << 30))") == [.string("not enough memory")])
        #expect(try lua.run("return #string.rep('x', 1 << 20)") == [.integer(1 << 20)])
    }

    @Test("a host function may return more than the limit; the chunk then fails as it returns")
    func hostResultOverLimit() throws {
        let lua = try LuaState(libraries: .sandboxed, memoryLimit: 8 << 20)
        lua.register([LuaModule("big", doc: "") { m in
            m.function("text", doc: "") { _ in .value(.string(String(repeating: "x", count: 16 << 20))) }
        }])
        #expect(try lua.run("return pcall(require('big').text)").first == .boolean(false))
        #expect(try lua.run("return 1 + 1") == [.integer(2)])
    }

    @Test("an instruction budget stops a loop; coroutines carry it too")
    func budget() throws {
        let lua = try LuaState(libraries: .bare)
        lua.setInstructionBudget(100_000)
        #expect(throws: LuaError.self) { try lua.run("local n = 0 while true do n = n + 1 end") }
        let sandbox = try LuaState(libraries: .sandboxed)
        sandbox.setInstructionBudget(100_000)
        #expect(throws: LuaError.self) { try sandbox.run("coroutine.wrap(function() while true do end end)()") }
    }

    @Test("an interrupt sticks through pcall, in coroutines too, until the chunk unwinds; then the state runs again",
          arguments: ["while true do pcall(running) pcall(function() while true do end end) end",
                      "while true do pcall(running) pcall(coroutine.wrap(function() while true do end end)) end",
                      "while true do pcall(running) pcall(error, 'x') end"])
    func stickyInterrupt(_ code: String) async throws {
        let result: [String] = try await LuaThread.run {
            let lua = try LuaState(libraries: .sandboxed)
            _ = InterruptProbe(lua)
            var outcome = "finished"
            // The interrupt comes once the loop runs; landing in `running` it is inside a pcall too.
            do { try lua.run("local running = require('probe').running " + code) } catch LuaError.interrupted { outcome = "interrupted" }
            return [outcome, try lua.run("return 'again'").first?.stringValue ?? "?"]
        }
        #expect(result == ["interrupted", "again"])
    }
}
