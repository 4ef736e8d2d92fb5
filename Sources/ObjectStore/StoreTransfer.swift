import Foundation

/// Copies objects between any two stores, many at a time.
public struct StoreTransfer: Sendable {
    /// Objects copied at once (each large one is also split into parts in flight).
    public var concurrency: Int
    public init(concurrency: Int = 16) { self.concurrency = concurrency }

    /// Progress after each object: objects done, of total; bytes done, of total.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ bytesDone: Int64, _ bytesTotal: Int64) -> Void

    /// Copy one object. Local files are read and written in place (temp + rename on the
    /// receiving side); between two remote stores the bytes pass through a temp file.
    public func copy(from source: any ObjectStore, key: String, to destination: any ObjectStore, key destinationKey: String) async throws {
        if let local = source as? LocalStore {
            let path = try local.path(for: key)
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound(path) }
            try await destination.put(file: URL(fileURLWithPath: path), key: destinationKey)
        } else if let local = destination as? LocalStore {
            try await source.get(key: key, to: URL(fileURLWithPath: try local.path(for: destinationKey)))
        } else {
            let temp = NSTemporaryDirectory() + ".bb-copy-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: temp) }
            try await source.get(key: key, to: URL(fileURLWithPath: temp))
            try await destination.put(file: URL(fileURLWithPath: temp), key: destinationKey)
        }
    }

    /// Copy every object under `prefix` in `source` to `destination`, keeping the part of the key
    /// after `prefix`. Keys that would leave a local destination folder (`../x`) are refused; empty
    /// "folder" markers (`p/sub/`, what the S3 console makes; the root's own marker has an empty key
    /// in a store rooted at `p/`) are not objects and are skipped.
    /// Returns the number of objects and bytes copied.
    @discardableResult
    public func copyAll(from source: any ObjectStore, prefix: String, to destination: any ObjectStore,
                        progress: Progress? = nil) async throws -> (objects: Int, bytes: Int64) {
        let objects = try await source.listAll(prefix: prefix).filter { !($0.size == 0 && ($0.key.isEmpty || $0.key.hasSuffix("/"))) }
        let targets = try objects.map { info -> String in
            var relative = String(info.key.dropFirst(prefix.count))
            while relative.hasPrefix("/") { relative.removeFirst() }
            if relative.isEmpty { relative = (info.key as NSString).lastPathComponent }
            // Refuse keys that would leave a local destination (`../../etc/x`) before copying anything.
            if let local = destination as? LocalStore { _ = try local.path(for: relative) }
            return relative
        }
        let copies = zip(objects, targets).map { Copy(key: $0.key, destinationKey: $1, size: $0.size) }
        return try await copyEach(copies, from: source, to: destination, progress: progress)
    }

    /// One object to copy: its key in the source, its key in the destination, its size (for progress).
    public struct Copy: Sendable {
        public var key: String
        public var destinationKey: String
        public var size: Int64
        public init(key: String, destinationKey: String, size: Int64) {
            self.key = key; self.destinationKey = destinationKey; self.size = size
        }
    }

    /// Copy each of `copies`, `concurrency` at a time. Returns the number of objects and bytes copied.
    @discardableResult
    public func copyEach(_ copies: [Copy], from source: any ObjectStore, to destination: any ObjectStore,
                         progress: Progress? = nil) async throws -> (objects: Int, bytes: Int64) {
        let totalBytes = copies.reduce(Int64(0)) { $0 + $1.size }
        var done = 0
        var bytesDone: Int64 = 0
        try await withThrowingTaskGroup(of: Int64.self) { group in
            var next = 0
            func startNext() {
                let item = copies[next]
                next += 1
                group.addTask {
                    try await copy(from: source, key: item.key, to: destination, key: item.destinationKey)
                    return item.size
                }
            }
            while next < min(copies.count, max(1, concurrency)) { startNext() }
            while let size = try await group.next() {
                done += 1
                bytesDone += size
                progress?(done, copies.count, bytesDone, totalBytes)
                if next < copies.count { startNext() }
            }
        }
        return (copies.count, totalBytes)
    }
}
