import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4, in headers or in a presigned query.
///
/// The work happens in three pure stages (``CanonicalRequest`` → ``stringToSign`` →
/// ``SigV4Signature``); this type only assembles them. `date` is injectable for tests.
public struct SigV4Signer: Sendable {
    /// The payload hash that tells S3 the body is not part of the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// Hex SHA-256 of the empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var credentials: AWSCredentials
    public var region: String
    /// The signing name in the credential scope (`s3`, `batch`, `states`, `fis`).
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Hex SHA-256 of a body, for `x-amz-content-sha256` and the canonical request.
    public static func payloadHash(_ body: some DataProtocol) -> String {
        SHA256.hexDigest(body)
    }

    /// S3 signs paths as sent; other services normalize and double-encode them.
    var usesS3Rules: Bool { service == "s3" || service == "s3-object-lambda" || service == "s3express" }

    /// The pieces of one signature, each stage kept for inspection.
    struct Signed {
        var canonicalRequest: CanonicalRequest
        var stringToSign: String
        var signature: String
        var authorization: String
    }

    /// Run the three stages over a request whose headers are final.
    func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
              payloadHash: String, timestamp: SigV4Timestamp) -> Signed {
        let canonical = CanonicalRequest(method: method, path: path, query: query, headers: headers,
                                         payloadHash: payloadHash, s3Rules: usesS3Rules)
        let scope = CredentialScope(date: timestamp.short, region: region, service: service)
        let sts = AWSCore.stringToSign(canonicalRequestHash: canonical.hash, timestamp: timestamp.long, scope: scope)
        let key = SigV4Signature.signingKey(secret: credentials.secretAccessKey, scope: scope)
        let signature = SigV4Signature.sign(sts, key: key)
        let authorization = SigV4Signature.authorization(accessKeyId: credentials.accessKeyId, scope: scope,
                                                         signedHeaders: canonical.signedHeaders, signature: signature)
        return Signed(canonicalRequest: canonical, stringToSign: sts, signature: signature, authorization: authorization)
    }

    /// Sign through headers.
    ///
    /// - Parameters:
    ///   - path: the path as sent on the wire (percent-encoded).
    ///   - query: decoded query name/value pairs.
    ///   - headers: the request's headers, which must include `host`.
    ///   - payloadHash: hex SHA-256 of the body, or ``unsignedPayload``.
    /// - Returns: `headers` plus `x-amz-date`, `x-amz-security-token` (temporary credentials),
    ///   `x-amz-content-sha256` (S3) and `authorization`.
    public func signHeaders(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                            payloadHash: String, date: Date = Date()) -> [(String, String)] {
        let timestamp = SigV4Timestamp(date)
        var headers = headers.filter {
            let name = $0.0.lowercased()
            return name != "x-amz-date" && name != "authorization" && name != "x-amz-security-token"
        }
        headers.append(("x-amz-date", timestamp.long))
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        if usesS3Rules, !headers.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            headers.append(("x-amz-content-sha256", payloadHash))
        }
        let signed = sign(method: method, path: path, query: query, headers: headers,
                          payloadHash: payloadHash, timestamp: timestamp)
        headers.append(("authorization", signed.authorization))
        return headers
    }

    /// Presign through the query string (S3 presigned URLs).
    ///
    /// - Returns: `query` plus the `X-Amz-*` parameters, ending with `X-Amz-Signature`.
    public func presignQuery(method: String, path: String, query: [(String, String)], host: String,
                             expires: Int, date: Date = Date(),
                             payloadHash: String = SigV4Signer.unsignedPayload) -> [(String, String)] {
        let timestamp = SigV4Timestamp(date)
        let scope = CredentialScope(date: timestamp.short, region: region, service: service)
        var items = query
        items.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope.text)"))
        items.append(("X-Amz-Date", timestamp.long))
        items.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        items.append(("X-Amz-SignedHeaders", "host"))
        let signed = sign(method: method, path: path, query: items, headers: [("host", host)],
                          payloadHash: payloadHash, timestamp: timestamp)
        items.append(("X-Amz-Signature", signed.signature))
        return items
    }

    /// A presigned URL for `method` on `url` (scheme, host, port and encoded path are taken from it).
    public func presignURL(method: String = "GET", url: URL, expires: Int, date: Date = Date()) -> URL? {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let host = components.host else { return nil }
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let query = components.percentEncodedQuery.map(AWSURIEncoding.parseQuery) ?? []
        let signed = presignQuery(method: method, path: path, query: query, host: hostHeader, expires: expires, date: date)
        components.percentEncodedQuery = signed.map { "\(AWSURIEncoding.encode($0.0))=\(AWSURIEncoding.encode($0.1))" }
            .joined(separator: "&")
        return components.url
    }
}
