import AWSCore
import BlendFile
import Foundation
import Logging
import ObjectStore

/// Reads the .blend a path or URL names: plain paths and `file://` natively in place, `s3://`
/// objects where they are, with ranged GETs of only the header and the blocks the reader decodes
/// (gzip streamed through them; nothing written to disk).
public enum BlendSource {
    /// Read `text` (a path, `file://` or `s3://` URL); errors and `BlendInfo.file` name it as given.
    /// `client` reaches S3 (default: `StoreFactory.defaultClient`).
    /// Throws `BlendError` for a missing or bad file, `StoreError` for a bad URL or a failing store.
    public static func read(_ text: String, client: AWSClient? = nil) async throws -> BlendInfo {
        let location = try StoreLocation(parsing: text)
        guard case .local(let path) = location else { return try await readRemote(location, name: text, client: client) }
        return try BlendFileReader.read(path: path, name: text)
    }

    /// Read a plain path or `file://` URL in place (nothing downloaded, no suspension).
    /// Throws `BlendError` for a missing or bad file, `StoreError` for a bad or non-local location.
    public static func readLocal(_ text: String) throws -> BlendInfo {
        let location = try StoreLocation(parsing: text)
        guard case .local(let path) = location else {
            throw StoreError.badLocation(text, reason: "not on this machine (read it with BlendSource.read)")
        }
        return try BlendFileReader.read(path: path, name: text)
    }

    /// Read an object in a store with ranged GETs; logs the bytes and requests at debug level.
    static func readRemote(_ location: StoreLocation, name: String, client: AWSClient?) async throws -> BlendInfo {
        let (store, key) = StoreFactory.object(location, client: client)
        guard let s3 = store as? S3Store else {
            throw StoreError.badLocation(name, reason: "not an s3:// object")
        }
        guard let object = try await s3.head(key: key) else { throw StoreError.notFound(name) }
        let source = S3ByteSource(store: s3, key: key, size: Int(object.size), etag: object.etag)
        defer {
            let share = object.size > 0 ? Double(source.bytesRead) * 100 / Double(object.size) : 0
            Logger(label: "blendbatch.blend").debug(
                "\(name): read \(source.bytesRead) of \(object.size) bytes (\(String(format: "%.2f", share)) %) in \(source.requests) ranged GETs and 1 HEAD")
        }
        return try await onOwnThread { try BlendFileReader.read(source, name: name) }
    }

    /// Run blocking `work` on a thread of its own, off the Swift concurrency pool (whose few
    /// threads the GETs it waits for need).
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
