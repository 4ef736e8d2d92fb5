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
        let file = try recipe("""
            local p = recipe { name = 'spin', params = { { name = 'out', type = 'path', required = true } } }
            local store, json = require 'store', require 'json'
            assert(store.write(p.out .. '/ready', 'x'))
            local g = {1} for i = 1, 40 do g = {g, g} end   -- json.encode of it checks for interrupts too
            while true do pcall(function() while true do pcall(json.encode, g) end end) end
            """, in: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["run", file.path, "--out", dir.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: dir.path + "/ready") && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(FileManager.default.fileExists(atPath: dir.path + "/ready"), "the recipe never started")
        try await Task.sleep(for: .milliseconds(300))  // let it get into the loops
        kill(process.processIdentifier, signal)
        deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    }

    @Test("a recipe run by recipes.run is interrupted too, and its caller cannot swallow it")
    func nestedInterrupt() async throws {
        let dir = try CLIRunner.tempDir()
        _ = try recipe("local store = require 'store'\nwhile true do end\n", in: dir, name: "inner.lua")
        let outer = try recipe("""
            local p = recipe { name = 'outer', params = { { name = 'out', type = 'path', required = true } } }
            assert(require('store').write(p.out .. '/ready', 'x'))
            while true do pcall(require('recipes').run, 'inner', {}) end
            """, in: dir, name: "outer.lua")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["run", outer.path, "--out", dir.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["BLENDBATCH_RECIPE_PATH": dir.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: dir.path + "/ready") && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))
        kill(process.processIdentifier, SIGTERM)
        deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    }
}
