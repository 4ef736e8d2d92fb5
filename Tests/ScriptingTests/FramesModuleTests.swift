import Testing
import LuaKit
@testable import Scripting

@Suite("Lua module: frames")
struct FramesModuleTests {
    func run(_ code: String) throws -> [LuaValue] {
        try ScriptEngine.makeState(trusted: false).run(code)
    }

    @Test("parse, format, count, scene and every")
    func basics() throws {
        #expect(try run("return require('frames').parse('1-9:4, 20')") == [[1, 5, 9, 20]])
        #expect(try run("return require('frames').format{1,3,5,6,7}") == ["1-5:2,6-7"])
        #expect(try run("return require('frames').count('1..10')") == [10])
        #expect(try run("return require('frames').scene(1, 10, 3)") == [[1, 4, 7, 10]])
        #expect(try run("return require('frames').every('1-10', 3)") == [[1, 4, 7, 10]])
    }

    @Test("bad expressions return nil, message, code; wrong types raise")
    func errors() throws {
        let r = try run("return require('frames').parse('1-9:2,2-10:2')")
        try #require(r.count == 3)
        #expect(r.first == .nil && r.last == "bad_frames")
        #expect(r[1].stringValue?.contains("(frames 2 to 10) overlap") == true)
        #expect(try run("return require('frames').parse('10-1')")[1].stringValue?.contains("backwards") == true)
        let raised = try run("return pcall(require('frames').parse, true)")
        #expect(raised.first == false)
        #expect(raised[1].stringValue?.contains("bad argument #1 to 'frames.parse'") == true)
        #expect(try run("return pcall(require('frames').chunk, '1-4', 0)").first == false)
    }

    @Test("chunking and set operations, on strings and lists alike")
    func chunksAndSets() throws {
        #expect(try run("return require('frames').chunk('1-10', 4)") == [[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]])
        #expect(try run("return require('frames').chunk_for_time('1-100', 60, 2.5, 10, 1)[1]")
                == [.array((1...20).map { .integer($0) })])
        let f = "local f = require('frames'); "
        #expect(try run(f + "return f.union('1-3', {7, 5})") == [[1, 2, 3, 5, 7]])
        #expect(try run(f + "return f.intersection('1-10', '5-15:5')") == [[5, 10]])
        #expect(try run(f + "return f.difference('1-6', {2, 4})") == [[1, 3, 5, 6]])
        #expect(try run(f + "return f.symmetric_difference('1-3', '3-4')") == [[1, 2, 4]])
    }

    @Test("help documents the module")
    func help() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        #expect(lua.doc(for: "frames")?.contains("OpenJD") == true)
        #expect(lua.doc(for: "frames.chunk")?.hasPrefix("frames.chunk(set, n)") == true)
    }
}
