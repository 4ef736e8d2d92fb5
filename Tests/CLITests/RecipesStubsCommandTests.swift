import Foundation
import Testing

/// `blendbatch recipes stubs` and the `.luarc.json` that `recipes new` places.
@Suite("recipes stubs")
struct RecipesStubsCommandTests {
    @Test("stubs --out DIR writes a ---@meta file per module; recipes new places a .luarc.json pointing at the stubs")
    func stubs() throws {
        let dir = try CLIRunner.tempDir().path
        let r = try CLIRunner.run(["recipes", "stubs", "--out", dir + "/stubs"])
        #expect(r.status == 0 && r.stdout == dir + "/stubs\n", "\(r.stderr)")
        let render = try String(contentsOfFile: dir + "/stubs/render.lua", encoding: .utf8)
        #expect(render.hasPrefix("---@meta render\n") && render.contains("function render.submit(opts) end"))
        #expect(try String(contentsOfFile: dir + "/stubs/blendbatch.lua", encoding: .utf8).contains("function Job:wait(opts) end"))
        let new = try CLIRunner.run(["recipes", "new", "mine", "--out", dir + "/recipes"], environment: ["XDG_DATA_HOME": dir + "/data"])
        #expect(new.status == 0, "\(new.stderr)")
        let luarc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/recipes/.luarc.json"))) as? [String: Any])
        #expect(luarc["workspace.library"] as? [String] == [dir + "/data/blendbatch/lua-stubs"])
        #expect(luarc["runtime.version"] as? String == "Lua 5.4")
        #expect(FileManager.default.fileExists(atPath: dir + "/data/blendbatch/lua-stubs/notify.lua"))
        let unwritable = try CLIRunner.run(["recipes", "stubs", "--out", "/proc/stubs"])
        #expect(unwritable.status == 74 && unwritable.stderr.hasPrefix("blendbatch: cannot write the stubs in /proc/stubs"))
    }
}
