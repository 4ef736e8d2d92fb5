import Crypto
import Foundation

/// SigV4 stage 1: the canonical request.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
struct CanonicalRequest: Equatable {
    var method: String
    /// The canonical URI (already encoded as the service wants it).
    var uri: String
    var query: String
    /// `name:value\n` for each signed header, sorted by name.
    var headers: String
    /// `host;x-amz-date;...`
    var signedHeaders: String
    var payloadHash: String

    /// Headers that are never signed: proxies and clients change them in flight.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "x-amzn-trace-id", "expect", "connection"]

    /// - Parameters:
    ///   - path: the path as sent on the wire.
    ///   - query: decoded query name/value pairs.
    ///   - headers: every header to sign, in request order (duplicates allowed).
    ///   - s3Rules: S3 signs the path exactly as sent. Every other service normalizes the path
    ///     (`.`/`..` segments, repeated slashes) and encodes it a second time.
    init(method: String, path: String, query: [(String, String)], headers: [(String, String)],
         payloadHash: String, s3Rules: Bool) {
        self.method = method.uppercased()
        if s3Rules {
            uri = path.isEmpty ? "/" : path
        } else {
            uri = AWSURIEncoding.encode(Self.normalize(path), keepSlash: true)
        }
        self.query = AWSURIEncoding.canonicalQuery(query)
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            guard !Self.unsignedHeaders.contains(key) else { continue }
            merged[key, default: []].append(Self.trimmed(value))
        }
        let names = merged.keys.sorted()
        self.headers = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        signedHeaders = names.joined(separator: ";")
        self.payloadHash = payloadHash
    }

    var text: String {
        "\(method)\n\(uri)\n\(query)\n\(headers)\n\(signedHeaders)\n\(payloadHash)"
    }

    /// Hex SHA-256 of `text`, as the string to sign quotes it.
    var hash: String { SHA256.hexDigest(Data(text.utf8)) }

    /// Remove `.` and `..` segments and repeated slashes, keeping a trailing slash.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty
        return "/" + segments.joined(separator: "/") + (trailing ? "/" : "")
    }

    /// Trim a header value and collapse runs of spaces to one.
    static func trimmed(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for character in value.trimmingCharacters(in: .whitespaces) {
            if character == " " || character == "\t" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(character)
                lastWasSpace = false
            }
        }
        return out
    }
}

extension SHA256 {
    /// Lower-case hex SHA-256 of `data`.
    static func hexDigest(_ data: some DataProtocol) -> String {
        hash(data: data).hexString
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
