import Foundation
import Testing
@testable import ObjectStore

@Suite("Folder store")
struct LocalStoreTests {
    @Test("put, head, read, list by prefix and delete on a folder; in-flight temp files are not objects")
    func roundTrip() async throws {
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = LocalStore(root: folder + "/out")
        try await store.put(data: Data("a".utf8), key: "frames/a_0001.png")
        try await store.put(data: Data(), key: "frames/a_0002.png")
        try await store.put(data: Data("log".utf8), key: "logs/x.txt")
        FileManager.default.createFile(atPath: folder + "/out/frames/.bb-tmp-123-a_0003.png", contents: Data("half".utf8))
        #expect(try await store.head(key: "frames/a_0001.png")?.size == 1)
        #expect(try await store.head(key: "frames/missing.png") == nil)
        #expect(try await store.read(key: "logs/x.txt") == Data("log".utf8))
        #expect(try await store.listAll(prefix: "frames/").map(\.key) == ["frames/a_0001.png", "frames/a_0002.png"])
        #expect(try await store.listAll(prefix: "frames/a_0001").map(\.key) == ["frames/a_0001.png"])
        try await store.delete(key: "frames/a_0001.png")
        try await store.delete(key: "frames/a_0001.png")  // deleting a missing object is not an error
        #expect(try await store.exists(key: "frames/a_0001.png") == false)
        await #expect(throws: StoreError.keyEscapesRoot("../x")) { try await store.put(data: Data(), key: "../x") }
    }

    @Test("move renames a finished file into place (same inode, no copy) and creates the folders it needs")
    func moveRenames() async throws {
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = LocalStore(root: folder + "/out")
        let source = folder + "/work/f_000001.png"
        try FileManager.default.createDirectory(atPath: folder + "/work", withIntermediateDirectories: true)
        try Data("frame".utf8).write(to: URL(fileURLWithPath: source))
        let inode = try FileManager.default.attributesOfItem(atPath: source)[.systemFileNumber] as? NSNumber
        try await store.move(file: URL(fileURLWithPath: source), key: "frames/demo_0001.png")
        let target = folder + "/out/frames/demo_0001.png"
        #expect(!FileManager.default.fileExists(atPath: source))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("frame".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? NSNumber == inode)
    }

    @Test("moving a file that does not exist fails naming the target and leaves nothing behind")
    func moveMissing() async throws {
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = LocalStore(root: folder + "/out")
        await #expect(throws: StoreError.self) {
            try await store.move(file: URL(fileURLWithPath: folder + "/nope.png"), key: "frames/x.png")
        }
        #expect(try await store.listAll(prefix: "frames/").isEmpty)
    }
}
