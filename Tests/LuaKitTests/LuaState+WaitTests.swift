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
        // Timed on the Lua thread itself: the test's own resumption may wait for a busy cooperative pool.
        let (outcome, seconds): (String, TimeInterval) = try await LuaThread.run {
            let lua = try LuaState(libraries: .sandboxed)
            lua.register([slow])
            let handle = lua.interruptHandle
            let started = Date()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { handle.interrupt() }
            do {
                try lua.run("require('slow').sleep(30)")
                return ("finished", Date().timeIntervalSince(started))
            } catch LuaError.interrupted {
                return ("interrupted", Date().timeIntervalSince(started))
            }
        }
        #expect(outcome == "interrupted")
        #expect(seconds < 5)
    }
}
