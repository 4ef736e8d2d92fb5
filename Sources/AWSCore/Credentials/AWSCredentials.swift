import Foundation

/// An access key pair, with the session token and expiry of temporary credentials.
///
/// `description` never shows the secret or the token, so credentials are safe to log or
/// interpolate into an error by accident.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from ("environment", "profile dev", "container", "instance metadata").
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String = "static") {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// True when the credentials expire within `margin` seconds (never for long-term keys).
    public func expires(within margin: TimeInterval, now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }

    /// The access key id with all but its last four characters masked.
    public var maskedAccessKeyId: String {
        String(repeating: "*", count: max(0, accessKeyId.count - 4)) + accessKeyId.suffix(4)
    }

    public var description: String {
        "AWSCredentials(\(maskedAccessKeyId), secret redacted\(sessionToken == nil ? "" : ", session token redacted"), from \(source))"
    }

    public var debugDescription: String { description }
}
