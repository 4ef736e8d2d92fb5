import Crypto
import Foundation

/// Content hashes of local files, read in 1 MiB pieces (a texture set of any size in constant memory).
public enum FileDigest {
    /// The SHA-256 of the file at `path`, as 64 lowercase hex digits. Throws `StoreError.io` when it cannot be read.
    public static func sha256Hex(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError.io(path, reason: "cannot open it to hash it") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let piece: Data
            do { piece = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw StoreError.io(path, reason: "\(error.localizedDescription)") }
            if piece.isEmpty { break }
            hasher.update(data: piece)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
