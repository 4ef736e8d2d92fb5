import BlendFile
import Foundation
import ObjectStore

/// An S3 object as the .blend reader's byte source: ranged GETs, one window cached. A read
/// after a long jump fetches a small window (the next block header is usually all the reader
/// needs there); a read starting at most `smallGap` after the last one ended doubles it, up to
/// `maxWindow`, so a run of small blocks or a gzip stream costs few requests while blocks larger
/// than `smallGap` are never fetched. Counts what it transferred.
///
/// `read` blocks its thread until the GET answers: call it off the Swift concurrency pool
/// (`BlendSource` runs the reader on a thread of its own).
public final class S3ByteSource: RandomAccessInput, @unchecked Sendable {
    public let store: S3Store
    public let key: String
    public let size: Int
    /// The ETag the size came with: every GET asks for that version (`If-Match`).
    public let etag: String?
    /// Bytes fetched after a jump, and the most fetched at once.
    public static let minWindow = 4 << 10
    public static let maxWindow = 4 << 20
    /// A skip (from the end of the last read) up to this long still counts as reading on; a
    /// longer one, or a step back, is a jump. Not relative to the window, nor to the cached bytes:
    /// either would let the window grow past blocks of any size and end up fetching everything.
    public static let smallGap = 64 << 10
    /// Body bytes received and GETs sent so far.
    public private(set) var bytesRead = 0
    public private(set) var requests = 0

    private var window = minWindow
    /// Where the last read ended: how far the reader skipped is measured from there.
    private var lastEnd = 0
    private var cacheOffset = 0
    private var cache: [UInt8] = []

    public init(store: S3Store, key: String, size: Int, etag: String?) {
        self.store = store; self.key = key; self.size = size; self.etag = etag
    }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        let end = min(size, offset + max(0, count))
        guard offset >= 0, offset < end else { return [] }
        let jump = offset < lastEnd || offset - lastEnd > Self.smallGap
        lastEnd = end
        var out: [UInt8] = []
        out.reserveCapacity(end - offset)
        var at = offset
        while at < end {
            if at >= cacheOffset, at < cacheOffset + cache.count {
                let from = at - cacheOffset, n = min(end - at, cache.count - from)
                out.append(contentsOf: cache[from..<from + n])
                at += n
                continue
            }
            window = jump && at == offset ? Self.minWindow : min(window * 2, Self.maxWindow)
            let length = min(max(window, end - at), size - at)
            cache = try fetch(at..<at + length)
            cacheOffset = at
            guard !cache.isEmpty else { break }
        }
        return out
    }

    /// One ranged GET, waited for on this thread.
    private func fetch(_ range: Range<Int>) throws -> [UInt8] {
        let store = store, key = key, etag = etag
        let answer = Answer()
        Task {
            do {
                let data = try await store.getRange(key: key, range: Int64(range.lowerBound)..<Int64(range.upperBound), etag: etag)
                answer.set(.success(data))
            } catch {
                answer.set(.failure(error))
            }
        }
        let data = try answer.wait()
        requests += 1
        bytesRead += data.count
        return [UInt8](data)
    }

    /// A result handed from a task to a waiting thread.
    private final class Answer: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private var result: Result<Data, Error>?
        func set(_ result: Result<Data, Error>) { self.result = result; ready.signal() }
        func wait() throws -> Data { ready.wait(); return try result!.get() }
    }
}
