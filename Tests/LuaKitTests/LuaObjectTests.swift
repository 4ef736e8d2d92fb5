import Testing
import Synchronization
@testable import LuaKit

/// Counts live instances so the tests can see every object released.
private let live = Atomic<Int>(0)
private let closes = Atomic<Int>(0)

private final class Counter: LuaObject {
    static let luaTypeName = "test.Counter"
    var value: Int
    init(_ value: Int) { self.value = value; live.add(1, ordering: .relaxed) }
    deinit { live.subtract(1, ordering: .relaxed) }
    func luaClose() { closes.add(1, ordering: .relaxed) }
    var luaDescription: String { "Counter(\(value))" }

    static func luaMembers(_ m: LuaMembers<Counter>) {
        m.property("value", doc: "counter.value -> int") { .integer($0.value) }
        m.method("add", doc: "counter:add(n) -> int") { counter, args in
            counter.value += try args.int(1)
            return .value(.integer(counter.value))
        }
    }
}

private let counters = LuaModule("counters", doc: "Counter objects.") { m in
    m.function("new", doc: "counters.new(start) -> Counter") { args in .object(Counter(try args.int(1, default: 0))) }
    m.function("read", doc: "counters.read(c) -> int") { args in .value(.integer(try args.object(Counter.self, 1).value)) }
}

@Suite("LuaObject: host objects as userdata", .serialized)
struct LuaObjectTests {
    @Test("methods, properties, __name and __tostring")
    func members() throws {
        let lua = try LuaState(libraries: .sandboxed)
        lua.register([counters])
        let r = try lua.run("""
            local c = require('counters').new(5)
            c:add(2)
            return c.value, tostring(c), c:add(1), require('counters').read(c)
            """)
        #expect(r == [.integer(7), .string("Counter(7)"), .integer(8), .integer(8)])
        let bad = try lua.run("return pcall(require('counters').read, {})")
        #expect(bad[1] == .string("bad argument #1 to 'counters.read' (test.Counter expected, got table)"))
        let badSelf = try lua.run("local c = require('counters').new(); return pcall(c.add, 3)")
        #expect(badSelf[1].stringValue?.contains("call it with ':'") == true)
        let badArg = try lua.run("local c = require('counters').new(); return pcall(c.add, c, 'x')")
        #expect(badArg[1] == .string("bad argument #1 to 'Counter:add' (number expected, got string)"))
    }

    @Test("__close releases early, and a closed object refuses use")
    func close() throws {
        let lua = try LuaState(libraries: .sandboxed)
        lua.register([counters])
        let before = closes.load(ordering: .relaxed)
        let r = try lua.run("""
            local keep
            do
              local c <close> = require('counters').new(1)
              keep = c
            end
            return pcall(require('counters').read, keep)
            """)
        #expect(closes.load(ordering: .relaxed) == before + 1)
        #expect(r[1].stringValue?.contains("attempt to use a closed test.Counter") == true)
    }

    @Test("no leak and no use-after-free when objects are created and collected in a loop")
    func lifetime() throws {
        let baseline = live.load(ordering: .relaxed)
        do {
            let lua = try LuaState(libraries: .sandboxed)
            lua.register([counters])
            try lua.run("""
                local C = require 'counters'
                local kept = {}
                for i = 1, 20000 do
                  local c = C.new(i)
                  c:add(1)
                  if i % 1000 == 0 then kept[#kept + 1] = c end
                  if i % 5000 == 0 then collectgarbage() end
                end
                collectgarbage(); collectgarbage()
                for _, c in ipairs(kept) do assert(C.read(c) % 1000 == 1) end
                """)
            #expect(live.load(ordering: .relaxed) - baseline <= 25)  // the 20 kept, at most a few pending
        }
        #expect(live.load(ordering: .relaxed) == baseline)  // lua_close collected the rest
    }
}
