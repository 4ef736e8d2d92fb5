import AWSCore
import Foundation
import Testing
@testable import ObjectStore

/// Multipart uploads when the caller gives up or an answer is lost (moto behind a fault proxy).
@Suite("Multipart: abort on cancellation, a lost CompleteMultipartUpload answer", .requires(.moto), .serialized)
struct MultipartRecoveryTests {
    /// Counts the requests whose head `matches`, under a lock (the proxy calls its rule from many threads).
    final class Matches: @unchecked Sendable {  // `count` is guarded by `lock`
        private let lock = NSLock()
        private var count = 0
        private let matches: @Sendable (String) -> Bool
        init(_ matches: @escaping @Sendable (String) -> Bool) { self.matches = matches }
        /// Whether `head` matches, and if so, how many matched so far (this one included).
        func see(_ head: String) -> Int? { matches(head) ? lock.withLock { count += 1; return count } : nil }
        var seen: Int { lock.withLock { count } }
    }

    func store(_ endpoint: String, bucket: String) -> S3Store {
        var store = S3Store(bucket: bucket, client: testClient(endpoint, attempts: 3, baseDelay: 0.01))
        store.multipartThreshold = 5 << 20
        store.partSize = 5 << 20
        return store
    }

    @Test("a cancelled upload (part 2 hanging) is aborted: no open upload, no object")
    func abortOnCancel() async throws {
        let moto = try requireMoto()
        let direct = testClient(moto)
        let bucket = try await makeBucket(direct)
        let frozen = Matches { $0.contains("partNumber=2") }
        let proxy = try FaultProxy(upstream: moto, plan: []) { head in frozen.see(head) != nil ? .freeze : .forward }
        defer { proxy.stop() }
        let store = store(proxy.url, bucket: bucket)
        let upload = Task { try await store.put(data: randomData(11 << 20), key: "big.bin") }
        #expect(try await waitUntil(seconds: 60) { frozen.seen > 0 })
        #expect(try await openUploads(direct, bucket: bucket) == 1)
        upload.cancel()
        await #expect(throws: (any Error).self) { try await upload.value }
        #expect(try await openUploads(direct, bucket: bucket) == 0)
        #expect(try await S3Store(bucket: bucket, client: direct).head(key: "big.bin") == nil)
    }

    @Test("CompleteMultipartUpload went through but its answer was cut: the retry's NoSuchUpload is recognised, the object is whole")
    func lostCompleteAnswer() async throws {
        let moto = try requireMoto()
        let direct = testClient(moto)
        let bucket = try await makeBucket(direct)
        let completes = Matches { $0.hasPrefix("POST ") && $0.contains("uploadId=") }
        let proxy = try FaultProxy(upstream: moto, plan: []) { head in completes.see(head) == 1 ? .truncate : .forward }
        defer { proxy.stop() }
        let data = randomData(11 << 20)
        try await store(proxy.url, bucket: bucket).put(data: data, key: "big.bin")
        #expect(completes.seen == 2, "the first Complete's answer was cut, the retry found no upload")
        let info = try #require(try await S3Store(bucket: bucket, client: direct).head(key: "big.bin"))
        #expect(info.size == Int64(data.count) && info.etag?.hasSuffix("-3\"") == true)
        #expect(try await S3Store(bucket: bucket, client: direct).read(key: "big.bin") == data)
        #expect(try await openUploads(direct, bucket: bucket) == 0)
    }
}
