import AWSCore
import Crypto
import Foundation
import Testing
@testable import ObjectStore

@Suite("S3Store against moto", .requires(.moto), .serialized)
struct S3StoreTests {
    @Test("round trips: empty, small and 64 MB objects, byte-identical", arguments: [0, 1_234, 64 << 20])
    func roundTrip(size: Int) async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        let store = S3Store(bucket: bucket, prefix: "jobs/j1", client: client)
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = randomData(size)
        let source = URL(fileURLWithPath: folder + "/source.bin")
        try data.write(to: source)

        try await store.put(file: source, key: "frames/f 0001.bin")
        let info = try #require(try await store.head(key: "frames/f 0001.bin"))
        #expect(info.size == Int64(size))
        if size >= store.multipartThreshold {
            #expect(info.etag?.contains("-8") == true)  // 64 MB in 8 MiB parts
        }
        let target = URL(fileURLWithPath: folder + "/out/copy.bin")
        try await store.get(key: "frames/f 0001.bin", to: target)
        let copy = try Data(contentsOf: target)
        #expect(copy.count == size)
        #expect(SHA256.hash(data: copy) == SHA256.hash(data: data))
        #expect(filesBelow(folder + "/out") == ["copy.bin"])  // no temp files left
        if size < 1 << 20 { #expect(try await store.read(key: "frames/f 0001.bin") == data) }
        #expect(try await openUploads(client, bucket: bucket) == 0)
    }

    @Test("byte ranges")
    func range() async throws {
        let client = testClient(try requireMoto())
        let store = S3Store(bucket: try await makeBucket(client), client: client)
        try await store.put(data: Data("0123456789".utf8), key: "digits")
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await store.get(key: "digits", to: URL(fileURLWithPath: folder + "/part"), range: 2...5)
        #expect(try String(contentsOfFile: folder + "/part", encoding: .utf8) == "2345")
    }

    @Test("getRange: bytes in memory, clipped at the end; another version's ETag is refused")
    func getRange() async throws {
        let client = testClient(try requireMoto())
        let store = S3Store(bucket: try await makeBucket(client), client: client)
        try await store.put(data: Data("0123456789".utf8), key: "digits")
        #expect(try await store.getRange(key: "digits", range: 2..<6) == Data("2345".utf8))
        #expect(try await store.getRange(key: "digits", range: 8..<20) == Data("89".utf8))
        #expect(try await store.getRange(key: "digits", range: 3..<3).isEmpty)
        let etag = try #require(try await store.head(key: "digits")?.etag)
        #expect(try await store.getRange(key: "digits", range: 0..<1, etag: etag) == Data("0".utf8))
        await #expect(throws: StoreError.self) {
            try await store.getRange(key: "digits", range: 0..<1, etag: "\"0000\"")
        }
    }

    @Test("2,500 keys list across three pages, in order, prefix stripped")
    func listing() async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        let store = S3Store(bucket: bucket, prefix: "many", client: client)
        let keys = (0..<2500).map { String(format: "k/%05d.txt", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: keys.count, by: 50) {
                group.addTask {
                    for key in keys[chunk..<min(chunk + 50, keys.count)] { try await store.put(data: Data(key.utf8), key: key) }
                }
            }
            try await group.waitForAll()
        }
        try await store.put(data: Data("other".utf8), key: "other.txt")
        let listed = try await store.listAll(prefix: "k/")
        #expect(listed.map(\.key) == keys)
        #expect(listed.allSatisfy { $0.size == 11 })
        #expect(try await store.listAll(prefix: "").count == 2501)
        // Lazily: taking a few does not need every page.
        var firstFew: [String] = []
        for try await info in store.list(prefix: "k/") {
            firstFew.append(info.key)
            if firstFew.count == 3 { break }
        }
        #expect(firstFew == Array(keys.prefix(3)))
    }

    @Test("multipart upload with small parts: parts in flight, one object, no open uploads")
    func multipart() async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        var store = S3Store(bucket: bucket, client: client)
        store.multipartThreshold = 5 << 20
        store.partSize = 5 << 20
        let data = randomData(23 << 20)  // 5 parts, the last one short
        try await store.put(data: data, key: "big.blend")
        let info = try #require(try await store.head(key: "big.blend"))
        #expect(info.size == Int64(data.count))
        #expect(info.etag?.hasSuffix("-5\"") == true)
        #expect(try await store.read(key: "big.blend") == data)
        #expect(try await openUploads(client, bucket: bucket) == 0)
    }

    @Test("unknown bucket, missing key: clear errors naming the URL and the code")
    func badInput() async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        let store = S3Store(bucket: bucket, client: client)
        #expect(try await store.head(key: "nope") == nil)
        #expect(try await store.exists(key: "nope") == false)
        await #expect(throws: StoreError.notFound("s3://\(bucket)/nope")) { try await store.read(key: "nope") }
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        await #expect(throws: StoreError.notFound("s3://\(bucket)/nope")) {
            try await store.get(key: "nope", to: URL(fileURLWithPath: folder + "/x"))
        }
        #expect(filesBelow(folder).isEmpty)

        let missing = S3Store(bucket: "no-such-bucket-bb", client: client)
        do {
            try await missing.put(data: Data("x".utf8), key: "a")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == "NoSuchBucket")
            #expect(error.description.hasPrefix("s3://no-such-bucket-bb/a: NoSuchBucket"))
        }
        do {
            _ = try await missing.listAll(prefix: "")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == "NoSuchBucket")
        }
        try await store.delete(key: "never-existed")  // not an error
    }

    @Test("unreachable endpoint: one line naming the URL")
    func unreachable() async throws {
        let store = S3Store(bucket: "b", client: testClient("http://127.0.0.1:9", attempts: 2))
        do {
            _ = try await store.read(key: "k")
            Issue.record("expected an error")
        } catch let error as StoreError {
            guard case .unreachable = error else { Issue.record("got \(error)"); return }
            #expect(error.description.hasPrefix("s3://b/k: cannot reach http://127.0.0.1:9"))
        }
    }

    @Test("DeleteObjects removes many keys at once")
    func deleteMany() async throws {
        let client = testClient(try requireMoto())
        let store = S3Store(bucket: try await makeBucket(client), client: client)
        for i in 0..<30 { try await store.put(data: Data([UInt8(i)]), key: "d/\(i)") }
        try await store.delete(keys: (0..<30).map { "d/\($0)" })
        #expect(try await store.listAll(prefix: "d/").isEmpty)
    }
}
