import Foundation

/// What a store knows about one object.
public struct ObjectInfo: Sendable, Equatable, Codable {
    /// Key relative to the store's root (always `/`-separated, never starting with `/`).
    public var key: String
    public var size: Int64
    public var etag: String?
    public var lastModified: Date?

    public init(key: String, size: Int64, etag: String? = nil, lastModified: Date? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A place that holds objects by key: a local folder or an S3 bucket/prefix.
///
/// Every write is all-or-nothing: an object is either absent or complete
/// (temp name + rename for folders, a whole PUT or completed multipart upload for S3).
public protocol ObjectStore: Sendable {
    /// Where this store is rooted, e.g. `file:///renders/shot` or `s3://bucket/jobs/shot`.
    var location: StoreLocation { get }

    /// Store the file at `file` under `key`.
    func put(file: URL, key: String) async throws
    /// Store `data` under `key`.
    func put(data: Data, key: String) async throws
    /// Store the finished file at `file` under `key`, then remove `file` (a folder store renames it
    /// into place when both are on one file system: no copy).
    func move(file: URL, key: String) async throws
    /// Copy the object to `file` (written to a temp name, renamed when complete).
    /// `range` asks for a byte range only.
    func get(key: String, to file: URL, range: ClosedRange<Int64>?) async throws
    /// The whole object in memory (for manifests, recipes and other small objects).
    func read(key: String) async throws -> Data
    /// The object's facts, or nil when it does not exist.
    func head(key: String) async throws -> ObjectInfo?
    /// Every object whose key starts with `prefix`, all pages, fetched lazily, in key order.
    func list(prefix: String) -> AsyncThrowingStream<ObjectInfo, Error>
    /// Remove the object; removing a missing object is not an error.
    func delete(key: String) async throws
}

extension ObjectStore {
    public func move(file: URL, key: String) async throws {
        try await put(file: file, key: key)
        try? FileManager.default.removeItem(at: file)
    }

    /// True when the object exists.
    public func exists(key: String) async throws -> Bool {
        try await head(key: key) != nil
    }

    /// Download the whole object to `file`.
    public func get(key: String, to file: URL) async throws {
        try await get(key: key, to: file, range: nil)
    }

    /// All objects under `prefix`, collected.
    public func listAll(prefix: String) async throws -> [ObjectInfo] {
        var all: [ObjectInfo] = []
        for try await info in list(prefix: prefix) { all.append(info) }
        return all
    }
}
