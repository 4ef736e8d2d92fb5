import Foundation
import Testing

/// The bounds of a recipe run, through the real binary: memory, declarations, nesting, interrupts.
@Suite("recipe limits: memory, declarations, recursion, interrupts (real binary)")
struct RecipeLimitsTests {
    func recipe(_ code: String, in dir: URL? = nil, name: String = "recipe.lua") throws -> URL {
        let folder = try dir ?? CLIRunner.tempDir()
        let file = folder.appendingPathComponent(name)
        try code.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("a string doubled 31 times hits the memory limit: one line naming the limit, exit 1, no OOM kill")
    func memoryLimit() throws {
        let file = try recipe("local s = 'x' for i = 1, 31 do s = s .. s end print(#s)")
        let r = try CLIRunner.run(["run", file.path], environment: ["BLENDBATCH_LUA_MEMORY_LIMIT": "64MiB"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not enough memory: the recipe holds more than the Lua memory limit (64 MiB"), "\(r.stderr)")
        let bad = try CLIRunner.run(["run", file.path], environment: ["BLENDBATCH_LUA_MEMORY_LIMIT": "lots"])
        #expect(bad.status == 64 && bad.stderr.contains("BLENDBATCH_LUA_MEMORY_LIMIT=lots"), "\(bad.stderr)")
    }

    @Test("a declaration bomb fails its own line in `blendbatch recipes`; the listing goes on")
    func declarationBomb() throws {
        let dir = try CLIRunner.tempDir()
        _ = try recipe("recipe { name = 'bomb', description = (function() local s = 'x' for i = 1, 31 do s = s .. s end return s end)() }\n",
                       in: dir, name: "bomb.lua")
        _ = try recipe("recipe { name = 'spin', description = (function() while true do end end)() }\n", in: dir, name: "spin.lua")
        _ = try recipe("recipe { name = 'fine', description = 'still listed' }\n", in: dir, name: "fine.lua")
        let r = try CLIRunner.run(["recipes"], environment: ["BLENDBATCH_RECIPE_PATH": dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("bomb  —  \(dir.path)/bomb.lua:1: the recipe declaration needs more than 16 MiB"), "\(r.stdout)")
        #expect(r.stdout.contains("instruction budget exceeded"), "\(r.stdout)")
        #expect(r.stdout.contains("fine  —  still listed"))
    }

    @Test("a recipe that runs itself stops at the depth limit with one message, no crash")
    func recursion() throws {
        let dir = try CLIRunner.tempDir()
        _ = try recipe("local ok, err = require('recipes').run('selfish', {})\nif not ok then error(err, 0) end\n", in: dir, name: "selfish.lua")
        let r = try CLIRunner.run(["run", "selfish"], environment: ["BLENDBATCH_RECIPE_PATH": dir.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("recipes nested more than 8 deep"), "\(r.stderr)")
    }

    @Test("SIGINT and SIGTERM stop a loop that pcall swallows errors in: exit 130", arguments: [SIGINT, SIGTERM])
    func interruptThroughPcall(_ signal: Int32) async throws {
        let dir = try CLIRunner.tempDir()
        // The innermost loop leaves `looping` once, as it starts: the signal comes while the loops run.
        let file = try recipe("""
            local p = recipe { name = 'spin', params = { { name = 'out', type = 'path', required = true } } }
            local store, json = require 'store', require 'json'
            local g = {1} for i = 1, 40 do g = {g, g} end   -- json.encode of it checks for interrupts too
            local looping = false
            while true do pcall(function() while true do
                if not looping then looping = true; assert(store.write(p.out .. '/looping', 'x')) end
                pcall(json.encode, g)
            end end) end
            """, in: dir)
        let process = try Binary.start(["run", file.path, "--out", dir.path], mark: UUID().uuidString)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try #require(try await waitUntil(seconds: 60) { FileManager.default.fileExists(atPath: dir.path + "/looping") },
                     "the recipe never reached its loops")
        kill(process.processIdentifier, signal)
        #expect(try await exitsOnItsOwn(process, within: 60), "the recipe did not stop")
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    }

    @Test("a recipe run by recipes.run is interrupted too, and its caller cannot swallow it")
    func nestedInterrupt() async throws {
        let dir = try CLIRunner.tempDir()
        // The inner recipe says it runs, then spins: SIGTERM comes while it, not its caller, runs.
        _ = try recipe("""
            local p = recipe { name = 'inner', params = { { name = 'out', type = 'path', required = true } } }
            assert(require('store').write(p.out .. '/inner-running', 'x'))
            while true do end
            """, in: dir, name: "inner.lua")
        let outer = try recipe("""
            local p = recipe { name = 'outer', params = { { name = 'out', type = 'path', required = true } } }
            while true do pcall(require('recipes').run, 'inner', { out = p.out }) end
            """, in: dir, name: "outer.lua")
        let process = try Binary.start(["run", outer.path, "--out", dir.path], mark: UUID().uuidString,
                                        environment: ["BLENDBATCH_RECIPE_PATH": dir.path])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try #require(try await waitUntil(seconds: 60) { FileManager.default.fileExists(atPath: dir.path + "/inner-running") },
                     "the inner recipe never ran")
        kill(process.processIdentifier, SIGTERM)
        #expect(try await exitsOnItsOwn(process, within: 60), "the recipe did not stop")
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    }
}
