import Foundation
import LuaKit
import Testing
@testable import REPL

/// Completion through chains of metatables: `obj.inner.al<Tab>` where `inner` comes from a
/// metatable's metatable (a class hierarchy), and fields of an object whose methods do.
@Suite("REPL completion through chained __index tables", .serialized)
struct ChainedCompletionTests {
    static let classes = """
        Base = {alpha = function() end, inner = {alpaca = 1, beta = 2}}
        Base.__index = Base
        Derived = setmetatable({gamma = function() end}, Base)
        Derived.__index = Derived
        obj = setmetatable({}, Derived)
        deep = {inner = setmetatable({}, {__index = setmetatable({}, {__index = {alright = true}})})}
        """

    @Test("the live VM: members found two metatables down, and fields of what they hold")
    func unit() throws {
        let lua = try LuaState()
        try lua.run(Self.classes)
        func complete(_ text: String) -> [String] { Completion(state: lua).candidates(for: Completion.word(before: text)) }
        #expect(complete("obj.inner.al") == ["obj.inner.alpaca"])
        #expect(complete("obj:al") == ["obj:alpha"])
        #expect(complete("obj:") == ["obj:alpha", "obj:gamma"])
        #expect(complete("deep.inner.al") == ["deep.inner.alright"])
        try lua.run("loop = setmetatable({}, {}); getmetatable(loop).__index = loop")
        #expect(complete("loop.x") == [])
    }

    @Test("in a terminal: obj.inner.al<Tab> becomes obj.inner.alpaca")
    func terminal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("repl-chain-\(UUID())").path
        let tmux = try TmuxSession(command: "\(blendbatchBinary()) repl", environment: ["BLENDBATCH_HISTORY": dir + "/history", "HOME": dir])
        try tmux.wait(for: "blendbatch>")
        try tmux.line(Self.classes.split(separator: "\n").joined(separator: "; "))
        try tmux.wait(for: "blendbatch>", count: 2)
        try tmux.type("obj.inner.al")
        try tmux.press("Tab")
        try tmux.wait(for: "obj.inner.alpaca")
        try tmux.press("Enter")
        let screen = try tmux.wait(for: "blendbatch>", count: 3)
        #expect(screen.contains("\n1\n"))
    }
}
