import Testing
import Foundation
import LuaKit
@testable import Scripting

@Suite("RecipeArguments and RecipeParameter: typed options")
struct RecipeArgumentsTests {
    let declaration = RecipeDeclaration(name: "preview", description: "Quick look", parameters: [
        RecipeParameter(name: "file", kind: .path, required: true, help: "the .blend"),
        RecipeParameter(name: "percent", kind: .int, defaultValue: 25, help: "resolution %"),
        RecipeParameter(name: "scale", kind: .number, defaultValue: 1.5),
        RecipeParameter(name: "dry_run", kind: .bool, defaultValue: false),
        RecipeParameter(name: "frames", kind: .frames),
        RecipeParameter(name: "title", kind: .string),
    ])

    @Test("options parse into typed values; defaults fill in; extra words are positional")
    func parses() throws {
        let (values, positional) = try RecipeArguments.parse(
            ["--file", "shot.blend", "--percent=50", "--dry-run", "--frames", "1-10:2, 20", "extra", "--", "--title", "x"],
            for: declaration)
        #expect(values["file"] == .string(FileManager.default.currentDirectoryPath + "/shot.blend"))
        #expect(values["percent"] == .integer(50))
        #expect(values["dry_run"] == .boolean(true))
        #expect(values["frames"] == .string("1-10:2,20"))
        #expect(positional == ["extra", "--title", "x"])
        let complete = try RecipeArguments.complete(values, for: declaration)
        #expect(complete["scale"] == .number(1.5))
        #expect(complete["title"] == nil)
        #expect(try RecipeArguments.parse(["--no-dry-run"], for: declaration).values["dry_run"] == .boolean(false))
        #expect(try RecipeArguments.parse(["--file", "s3://b/k.blend"], for: declaration).values["file"] == .string("s3://b/k.blend"))
    }

    @Test("bad arguments get one clear line", arguments: [
        (["--percnt", "5"], "recipe 'preview' has no parameter --percnt; it accepts: --file <path|url>, --percent <int>, --scale <number>, --dry-run, --frames <frames>, --title <text>"),
        (["--percent", "lots"], "--percent expects an integer, got 'lots'"),
        (["--scale", "x"], "--scale expects a number, got 'x'"),
        (["--frames", "10-1"], #"--frames: frame range "10-1" runs backwards (10 > 1); write 1-10, or 10-1:-1 to count down"#),
        (["--percent"], "--percent needs a value <int>"),
    ])
    func errors(_ words: [String], _ message: String) {
        #expect(throws: RecipeError.badParameter(message)) { try RecipeArguments.parse(words, for: declaration) }
    }

    @Test("a missing required parameter names it")
    func required() {
        #expect(throws: RecipeError.badParameter("recipe 'preview' needs --file <path|url> (the .blend)")) {
            try RecipeArguments.complete([:], for: declaration)
        }
    }

    @Test("values from Lua are checked against the types")
    func fromLua() throws {
        let v = try RecipeArguments.check(["percent": .number(30), "scale": .integer(2), "frames": .integer(7)], for: declaration)
        #expect(v == ["percent": .integer(30), "scale": .number(2), "frames": .string("7")])
        #expect(throws: RecipeError.self) { try RecipeArguments.check(["percent": .string("x")], for: declaration) }
        #expect(throws: RecipeError.self) { try RecipeArguments.check(["nope": .integer(1)], for: declaration) }
    }

    @Test("a frames parameter takes exactly what FrameSet takes (Blender's a..b too) and says why it refuses")
    func frameSets() throws {
        let frames = RecipeParameter(name: "frames", kind: .frames)
        for ok in ["1", "1-10", "1-250:2", "1,5,10-20", "-5--1", "10-1:-1", "1..100", "1-10:4,10-15"] {
            #expect(try frames.parse(ok) == .string(ok))
        }
        for bad in ["", "a", "1-", "10-1", "1-10:0", "1,,2", "1:2:3", "1-10:-1"] {
            #expect(throws: RecipeError.self, "\(bad)") { try frames.parse(bad) }
        }
    }

    @Test("per-recipe help lists every option with type, default and required")
    func help() {
        let text = RecipeArguments.help(for: declaration, origin: "recipes/preview.lua (bundled)")
        #expect(text.hasPrefix("preview — Quick look"))
        #expect(text.contains("--file <path|url>"))
        #expect(text.contains("the .blend (path, required)"))
        #expect(text.contains("resolution % (int, default: 25)"))
        #expect(text.contains("--dry-run, --no-dry-run"))
        #expect(text.contains("--trust"))
        #expect(text.hasSuffix("FROM: recipes/preview.lua (bundled)"))
    }
}
