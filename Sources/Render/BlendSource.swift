import BlendFile
import Foundation
import ObjectStore

/// Reads the .blend a path or URL names: plain paths and `file://` natively in place, `s3://`
/// objects downloaded to a temporary file first (removed afterwards).
public enum BlendSource {
    /// Read `text` (a path, `file://` or `s3://` URL); errors and `BlendInfo.file` name it as given.
    /// Throws `BlendError` for a missing or bad file, `StoreError` for a bad URL or a failing store.
    public static func read(_ text: String) async throws -> BlendInfo {
        let location = try StoreLocation(parsing: text)
        guard case .local(let path) = location else { return try await download(location, name: text) }
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

    static func download(_ location: StoreLocation, name: String) async throws -> BlendInfo {
        let (store, key) = StoreFactory.object(location)
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("blendbatch-\(UUID().uuidString).blend")
        defer { try? FileManager.default.removeItem(at: temp) }
        try await store.get(key: key, to: temp)
        return try BlendFileReader.read(path: temp.path, name: name)
    }
}
