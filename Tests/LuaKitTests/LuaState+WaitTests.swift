import Testing
import Foundation
@testable import LuaKit

private let slow = LuaModule("slow", doc: "Async primitives for tests.") { m in
    m.function("sleep", doc: "slow.sleep(seconds) -> 'done'") { args in
        let seconds = try args.number(1)
        return .value(.string(try args.wait {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            return "done"
        }))
    }
    m.function("fail", doc: "slow.fail() -> nil, message, code") { args in
        struct Offline: Error, LuaRepresentableError { var luaCode: String { "offline" } }
        _ = try args.wait { () async throws -> Int in throw Offline() }
        return .none
    }
}

@Suite("LuaState+Wait: async primitives on the Lua thread")
struct LuaStateWaitTests {
    @Test("a primitive awaits Swift work and returns its value; failures become nil, msg, code")
    func waits() async throws {
        let r: [LuaValue] = try await LuaThread.run {
            let lua = try LuaState(libraries: .sandboxed)
            lua.register([slow])
            return try lua.run("local s = require 'slow'; local a = s.sleep(0.05); local n, m, c = s.fail(); return a, n, c")
        }
        #expect(r == [.string("done"), .nil, .string("offline")])
    }

    @Test("an interrupt during a wait cancels it and raises interrupted")
    func interruptsWait() async throws {
        let (outcome, probe): (String, InterruptProbe) = try await LuaThread.run {
            let lua = try LuaState(libraries: .sandboxed)
            let probe = InterruptProbe(lua)
            do {
                let result = try lua.run("return require('probe').park()")
                return (result.first?.stringValue ?? "?", probe)
            } catch LuaError.interrupted {
                return ("interrupted", probe)
            }
        }
        #expect(outcome == "interrupted")
        #expect(try await waitUntil(seconds: 60) { probe.waitCancelled }, "the Swift work the chunk waited on was not cancelled")
    }
}
