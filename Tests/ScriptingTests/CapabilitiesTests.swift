import Foundation
import LuaKit
import Testing
@testable import Scripting

@Suite("Capabilities: what a sandboxed recipe was handed")
struct CapabilitiesTests {
    func folder() throws -> String {
        let path = LocationScope.resolvingLinks(NSTemporaryDirectory()) + "/caps-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a place covers what lies under it, never a sibling with the same prefix; links and .. are resolved first")
    func scopes() throws {
        let root = try folder()
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/victim", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/out/link", withDestinationPath: root + "/victim")
        let out = try #require(LocationScope(root + "/out"))
        #expect(out.covers(try #require(LocationScope(root + "/out/frames/a.png"))))
        #expect(!out.covers(try #require(LocationScope(root + "/out-old/a.png"))))
        #expect(!out.covers(try #require(LocationScope(root + "/out/link/secret"))))
        #expect(!out.covers(try #require(LocationScope(root + "/out/../victim/secret"))))
        let bucket = try #require(LocationScope("s3://b/jobs/"))
        #expect(bucket.covers(try #require(LocationScope("s3://b/jobs/j1/frame.png"))))
        #expect(!bucket.covers(try #require(LocationScope("s3://b/jobs-old/x"))))
        #expect(!bucket.covers(try #require(LocationScope("s3://other/jobs/x"))))
        #expect(LocationScope("s3://b/jobs/../secret") == nil)
        #expect(bucket.coversListing(try #require(LocationScope("s3://b/jobs/")), prefixText: "s3://b/jobs/"))
        #expect(!bucket.coversListing(try #require(LocationScope("s3://b/jobs")), prefixText: "s3://b/jobs"))
    }

    @Test("given path parameters and arguments are handed over; declared defaults only as plain relative places")
    func handing() throws {
        let declaration = RecipeDeclaration(name: "r", parameters: [
            RecipeParameter(name: "file", kind: .path),
            RecipeParameter(name: "out", kind: .path, defaultValue: .string("preview")),
            RecipeParameter(name: "hook", kind: .path, defaultValue: .string(".git/hooks/pre-commit")),
            RecipeParameter(name: "etc", kind: .path, defaultValue: .string("/etc/passwd")),
            RecipeParameter(name: "note", kind: .string),
        ])
        let caps = Capabilities.sandbox(values: ["file": "/data/shot.blend", "out": "preview", "hook": ".git/hooks/pre-commit",
                                                 "etc": "/etc/passwd", "note": "/home/me/.aws"],
                                        declaration: declaration, arguments: ["/data/extra"], config: StudioConfig())
        #expect(caps.allows(.read, "/data/shot.blend") && caps.allows(.write, "/data/extra/x"))
        #expect(caps.allows(.write, "preview/frames/a.png"))
        #expect(!caps.allows(.write, ".git/hooks/pre-commit"))
        #expect(!caps.allows(.read, "/etc/passwd"))
        #expect(!caps.allows(.read, "/home/me/.aws/credentials"), "a string parameter hands nothing over")
        #expect(Capabilities.trusted().allows(.write, "/etc/passwd"))
    }

    @Test("the temporary folder is private to the run and removed with it")
    func temporaryFolder() throws {
        var path = ""
        do {
            let caps = Capabilities.sandbox(handing: [])
            path = try caps.temporaryFolder()
            #expect(caps.allows(.write, path + "/x.txt"))
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("the studio configuration: lists add up, sizes parse, a bad file is one line")
    func studioConfig() throws {
        let dir = try folder()
        let file = dir + "/config.json"
        try #"{"trusted_recipes": ["s3://studio/recipes/"], "allowed_programs": ["/opt/blender"], "lua_memory_limit": "2GiB"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let config = try StudioConfig.load(environment: ["BLENDBATCH_CONFIG": file])
        #expect(config.luaMemoryLimit == 2 << 30 && config.allowedPrograms == ["/opt/blender"])
        #expect(config.trusts(recipeAt: "s3://studio/recipes/render.lua"))
        #expect(!config.trusts(recipeAt: "s3://studio/recipes-dev/render.lua"))
        #expect(try StudioConfig.load(environment: ["BLENDBATCH_CONFIG": file, "BLENDBATCH_LUA_MEMORY_LIMIT": "512MiB"]).luaMemoryLimit == 512 << 20)
        #expect(StudioConfig.bytes("64M") == 64 << 20 && StudioConfig.bytes("1048576") == 1 << 20 && StudioConfig.bytes("lots") == nil)
        try "[1, 2]".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: StudioConfig.Problem.self) { try StudioConfig.load(environment: ["BLENDBATCH_CONFIG": file]) }
        #expect(try StudioConfig.load(environment: ["HOME": dir]) == StudioConfig())
    }
}
