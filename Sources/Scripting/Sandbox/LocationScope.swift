import Foundation
import ObjectStore

/// A local path or a store URL together with everything under it, compared as the store will
/// use it: local paths absolute, standardized and with the symbolic links of their existing part
/// resolved (a link inside a handed folder cannot lead out of it); S3 keys with no `.` or `..`
/// segment (an endpoint might collapse them).
struct LocationScope: Equatable, CustomStringConvertible {
    let location: StoreLocation

    /// nil when `text` is not a location, or an S3 key has a `.`/`..` segment.
    init?(_ text: String) {
        guard let parsed = try? StoreLocation(parsing: text) else { return nil }
        self.init(parsed)
    }

    init?(_ location: StoreLocation) {
        switch location {
        case .local(let path):
            self.location = .local(path: Self.resolvingLinks(path))
        case .s3(let bucket, let key):
            guard !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) else { return nil }
            self.location = .s3(bucket: bucket, key: key.hasSuffix("/") ? String(key.dropLast()) : key)
        }
    }

    var description: String { location.description }

    /// Whether `other` is this place or lies under it.
    func covers(_ other: LocationScope) -> Bool {
        switch (location, other.location) {
        case (.local(let root), .local(let path)):
            return path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
        case (.s3(let bucket, let root), .s3(let otherBucket, let key)):
            return bucket == otherBucket && (root.isEmpty || key == root || key.hasPrefix(root + "/"))
        default:
            return false
        }
    }

    /// Whether everything a listing of the prefix `other` can return lies under this place
    /// (`s3://b/jobs` also lists `s3://b/jobs-old/…`, so only `s3://b/jobs/` is inside a grant of it).
    func coversListing(_ other: LocationScope, prefixText: String) -> Bool {
        guard covers(other) else { return false }
        switch (location, other.location) {
        case (.s3(_, let root), .s3(_, let key)) where !root.isEmpty && key == root:
            return prefixText.hasSuffix("/")
        case (.local(let root), .local(let path)) where path == root:
            // A path that is no folder lists its folder's entries that start with its name.
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
        default:
            return true
        }
    }

    /// `path` with the symbolic links of its longest existing ancestor resolved.
    static func resolvingLinks(_ path: String) -> String {
        var head = path
        var tail: [String] = []
        while !head.isEmpty {
            if let real = realpath(head, nil) {
                defer { free(real) }
                return tail.reversed().reduce(String(cString: real)) { ($0 as NSString).appendingPathComponent($1) }
            }
            if head == "/" { break }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
        return path
    }
}
