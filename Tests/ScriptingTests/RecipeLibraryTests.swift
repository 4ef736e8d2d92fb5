import Testing
import Foundation
import LuaKit
import ObjectStore
@testable import Scripting

@Suite("RecipeLibrary: the recipe path")
struct RecipeLibraryTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("recipes-\(UUID())")
        for folder in ["a", "b", "cache"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try write("a/one.lua", "recipe { name = 'one', description = 'first' }")
        try write("b/one.lua", "recipe { name = 'one', description = 'hidden' }")
        try write("b/two.lua", "recipe { description = 'second', params = { { name = 'n', type = 'int' } } }\nprint(1)")
        try write("b/broken.lua", "recipe { name = 5 }")
        try write("b/notes.txt", "not a recipe")
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    var library: RecipeLibrary {
        RecipeLibrary(searchPath: RecipeSearchPath(entries: [
            .init(location: .local(path: root.appendingPathComponent("a").path), kind: "path"),
            .init(location: .local(path: root.appendingPathComponent("b").path), kind: "bundled"),
        ]), cache: RecipeCache(directory: root.appendingPathComponent("cache").path))
    }

    @Test("listing shows every recipe with its origin; earlier entries shadow later ones")
    func list() async throws {
        let (recipes, problems) = await library.list()
        #expect(problems.isEmpty)
        #expect(recipes.map(\.source.name) == ["one", "broken", "one", "two"])
        #expect(recipes.map(\.shadowed) == [false, false, true, false])
        #expect(recipes[3].declaration?.parameters.first?.kind == .int)
        #expect(recipes[3].source.origin == "bundled")
        #expect(recipes[1].problem?.contains("name must be a non-empty string") == true)
    }

    @Test("find by name follows the path; by location reads the file")
    func find() async throws {
        #expect(try await library.find("one").text.contains("first"))
        #expect(try await library.find("two").origin == "bundled")
        let byPath = try await library.find(root.appendingPathComponent("b/one.lua").path)
        #expect(byPath.text.contains("hidden"))
        await #expect(throws: RecipeError.self) { try await library.find("three") }
    }

    @Test("the standard path: BLENDBATCH_RECIPE_PATH entries (URLs too), then XDG config, then bundled")
    func standardPath() {
        let path = RecipeSearchPath.standard(environment: [
            "BLENDBATCH_RECIPE_PATH": "/studio/recipes:s3://studio-pipeline/recipes/:relative",
            "XDG_CONFIG_HOME": "/home/u/.config",
            "BLENDBATCH_RECIPES_DIR": "/opt/bb/recipes",
        ], executable: "/usr/bin/blendbatch")
        #expect(path.entries.map(\.location.description) == [
            "/studio/recipes", "s3://studio-pipeline/recipes/", FileManager.default.currentDirectoryPath + "/relative",
            "/home/u/.config/blendbatch/recipes", "/opt/bb/recipes",
        ])
        #expect(path.entries.map(\.kind) == ["path", "path", "path", "user", "bundled"])
    }

    @Test("the bundled folder is found from a binary inside the repository")
    func bundled() {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let found = RecipeSearchPath.bundledFolder(environment: [:], executable: repo.appendingPathComponent(".build/debug/blendbatch").path)
        #expect(found == repo.appendingPathComponent("recipes").path)
    }
}

/// An in-memory store with content ETags, standing in for S3 only in the cache's unit test
/// (the moto-backed test in CLITests covers the real S3 path).
private final class FakeETagStore: ObjectStore, @unchecked Sendable {
    // @unchecked: the test mutates `objects`/`reads` between awaits on one task only.
    var objects: [String: Data] = [:]
    var reads = 0
    let location = StoreLocation.s3(bucket: "fake", key: "")
    func put(file: URL, key: String) async throws { objects[key] = try Data(contentsOf: file) }
    func put(data: Data, key: String) async throws { objects[key] = data }
    func get(key: String, to file: URL, range: ClosedRange<Int64>?) async throws { try objects[key]?.write(to: file) }
    func read(key: String) async throws -> Data { reads += 1; guard let d = objects[key] else { throw StoreError.notFound(key) }; return d }
    func head(key: String) async throws -> ObjectInfo? {
        objects[key].map { ObjectInfo(key: key, size: Int64($0.count), etag: "\"\($0.hashValue)\"") }
    }
    func list(prefix: String) -> AsyncThrowingStream<ObjectInfo, Error> {
        let infos = objects.keys.sorted().filter { $0.hasPrefix(prefix) }.map { ObjectInfo(key: $0, size: 0, etag: "\"\(objects[$0]!.hashValue)\"") }
        return AsyncThrowingStream { c in infos.forEach { c.yield($0) }; c.finish() }
    }
    func delete(key: String) async throws { objects[key] = nil }
}

@Suite("RecipeCache: ETag refresh (fake in-memory store)")
struct RecipeCacheTests {
    @Test("unchanged recipes come from the cache; a changed ETag downloads the new version")
    func refresh() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID())").path
        let cache = RecipeCache(directory: dir)
        let store = FakeETagStore()
        store.objects["r.lua"] = Data("print(1)".utf8)
        let first = try await cache.fetch("r.lua", from: store, url: "s3://fake/r.lua")
        #expect(first.outcome == .downloaded)
        let second = try await cache.fetch("r.lua", from: store, url: "s3://fake/r.lua")
        #expect(second.text == "print(1)")
        #expect(second.outcome == .cached)
        #expect(store.reads == 1)
        store.objects["r.lua"] = Data("print(2)".utf8)
        let third = try await cache.fetch("r.lua", from: store, url: "s3://fake/r.lua")
        #expect(third.outcome == .downloaded)
        #expect(third.text == "print(2)")
    }
}
