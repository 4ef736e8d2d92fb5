import AWSCore
import Foundation

/// Opens the store a location names: a ``LocalStore`` for paths, an ``S3Store`` for `s3://`.
public enum StoreFactory {
    /// The AWS client used for `s3://` locations when none is given: configured from the
    /// environment and `~/.aws` on first use, unless ``useDefaultClient(_:)`` set another.
    public static var defaultClient: AWSClient { DefaultClient.shared.client }

    /// Use `client` wherever no client is given from now on (tests, embedders); nil goes back to
    /// the environment's.
    public static func useDefaultClient(_ client: AWSClient?) { DefaultClient.shared.set(client) }

    /// A store rooted at `location` (a folder, or a bucket and key prefix).
    public static func open(_ location: StoreLocation, client: AWSClient? = nil) -> any ObjectStore {
        switch location {
        case .local(let path): return LocalStore(root: path)
        case .s3(let bucket, let key): return S3Store(bucket: bucket, prefix: key, client: client ?? defaultClient)
        }
    }

    /// Parse `text` (a URL or path) and open its store.
    public static func open(_ text: String, client: AWSClient? = nil) throws -> any ObjectStore {
        open(try StoreLocation(parsing: text), client: client)
    }

    /// The store holding a single object, and the object's key in it: `s3://b/a/c.png` gives
    /// the store `s3://b/` and the key `a/c.png`; `/x/y.png` gives the store `/x` and `y.png`.
    public static func object(_ location: StoreLocation, client: AWSClient? = nil) -> (store: any ObjectStore, key: String) {
        switch location {
        case .local(let path):
            return (LocalStore(root: (path as NSString).deletingLastPathComponent), (path as NSString).lastPathComponent)
        case .s3(let bucket, let key):
            return (S3Store(bucket: bucket, client: client ?? defaultClient), key)
        }
    }
}

/// The process-wide default client, resolved lazily and replaceable.
private final class DefaultClient: @unchecked Sendable {  // `override` and `resolved` are guarded by `lock`
    static let shared = DefaultClient()
    private let lock = NSLock()
    private var override: AWSClient?
    private var resolved: AWSClient?

    var client: AWSClient {
        lock.withLock {
            if let override { return override }
            if let resolved { return resolved }
            let client = AWSClient(configuration: .resolve())
            resolved = client
            return client
        }
    }

    func set(_ client: AWSClient?) { lock.withLock { override = client } }
}
