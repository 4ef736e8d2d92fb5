import Foundation

/// A parsed store address: `s3://bucket/key`, `file:///abs/path` or a plain path.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A folder (or file) on this machine, as an absolute, standardized path.
    case local(path: String)
    /// An S3 bucket and key (or prefix; may be empty).
    case s3(bucket: String, key: String)

    /// Parse a URL or path. Relative paths are resolved against `base` (default: the current folder).
    public init(parsing text: String, relativeTo base: String = FileManager.default.currentDirectoryPath) throws {
        if text.hasPrefix("s3://") {
            let rest = text.dropFirst("s3://".count)
            let bucket = rest.prefix { $0 != "/" }
            guard !bucket.isEmpty else { throw StoreError.badLocation(text, reason: "no bucket name after s3://") }
            let key = rest.dropFirst(bucket.count).drop { $0 == "/" }
            self = .s3(bucket: String(bucket), key: String(key))
        } else if text.hasPrefix("file://") {
            let path = String(text.dropFirst("file://".count))
            guard path.hasPrefix("/") else { throw StoreError.badLocation(text, reason: "file:// URLs need an absolute path (file:///abs/path)") }
            self = .local(path: (path as NSString).standardizingPath)
        } else if let scheme = text.range(of: "://"), !text[..<scheme.lowerBound].contains("/") {
            throw StoreError.badLocation(text, reason: "unsupported scheme '\(text[..<scheme.lowerBound])://' (use s3://, file:// or a path)")
        } else {
            guard !text.isEmpty else { throw StoreError.badLocation(text, reason: "empty location") }
            let absolute = text.hasPrefix("/") ? text : (base as NSString).appendingPathComponent(text)
            self = .local(path: (absolute as NSString).standardizingPath)
        }
    }

    /// The location `component` below this one (`/`-joined).
    public func appending(_ component: String) -> StoreLocation {
        switch self {
        case .local(let path): return .local(path: (path as NSString).appendingPathComponent(component))
        case .s3(let bucket, let key):
            let joined = key.isEmpty ? component : (key.hasSuffix("/") ? key + component : key + "/" + component)
            return .s3(bucket: bucket, key: joined)
        }
    }

    /// The last path component (a file or object name).
    public var lastComponent: String {
        switch self {
        case .local(let path): return (path as NSString).lastPathComponent
        case .s3(_, let key): return key.split(separator: "/").last.map(String.init) ?? ""
        }
    }

    public var description: String {
        switch self {
        case .local(let path): return path
        case .s3(let bucket, let key): return "s3://\(bucket)/\(key)"
        }
    }

    public var isLocal: Bool { if case .local = self { return true } else { return false } }
}
