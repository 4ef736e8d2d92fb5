import Foundation
import ObjectStore

/// Opens the store behind a location. Local folders open here; S3 opens through `remote` when a
/// higher layer registered one (set once at startup, before any worker runs), else through
/// `StoreFactory` with the AWS client configured from the environment (what a Batch task has).
public enum StoreOpener {
    /// Opens non-local locations; nil means `StoreFactory` with its default client.
    nonisolated(unsafe) public static var remote: (@Sendable (StoreLocation) throws -> any ObjectStore)?

    /// The store rooted at `location`.
    public static func open(_ location: StoreLocation) throws -> any ObjectStore {
        switch location {
        case .local(let path): return LocalStore(root: path)
        case .s3:
            if let remote { return try remote(location) }
            return StoreFactory.open(location)
        }
    }

    /// Read the object a URL or path names (a manifest, a recipe).
    public static func read(_ text: String) async throws -> Data {
        let location = try StoreLocation(parsing: text)
        switch location {
        case .local(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw StoreError.notFound(path) }
            return data
        case .s3(let bucket, let key):
            let folder = (key as NSString).deletingLastPathComponent
            let store = try open(.s3(bucket: bucket, key: folder))
            return try await store.read(key: (key as NSString).lastPathComponent)
        }
    }
}
