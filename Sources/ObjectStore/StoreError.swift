import Foundation

/// Why a store operation failed. Each case names the location so the message stands alone.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case badLocation(String, reason: String)
    case notFound(String)
    case keyEscapesRoot(String)
    case io(String, reason: String)
    /// The remote store refused: `code` is the AWS error code (`NoSuchBucket`, `AccessDenied`,
    /// `SignatureDoesNotMatch`, `InvalidAccessKeyId`, `ExpiredToken`).
    case refused(String, code: String, reason: String)
    /// The remote store could not be reached, or no credentials were found for it.
    case unreachable(String, reason: String)
    /// What arrived is not what was stored (size or checksum mismatch after every retry).
    case corrupt(String, reason: String)

    public var description: String {
        switch self {
        case .badLocation(let text, let reason): return "\(text): \(reason)"
        case .notFound(let url): return "\(url): no such object"
        case .keyEscapesRoot(let key): return "\(key): key would escape the store's folder"
        case .io(let url, let reason): return "\(url): \(reason)"
        case .refused(let url, let code, let reason):
            var text = reason.isEmpty ? "\(url): \(code)" : "\(url): \(code): \(reason)"
            if let step = Self.nextStep(code) { text = (text.hasSuffix(".") ? String(text.dropLast()) : text) + "; " + step }
            return text
        case .unreachable(let url, let reason): return "\(url): \(reason)"
        case .corrupt(let url, let reason): return "\(url): \(reason)"
        }
    }

    /// What to do about a refusal whose cause is the credentials, not the request.
    static func nextStep(_ code: String) -> String? {
        switch code {
        case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired":
            return "get fresh credentials (aws sso login, or a new AWS_SESSION_TOKEN), then run it again"
        case "RequestTimeTooSkewed", "RequestExpired":
            return "set this machine's clock right (requests are signed with the time)"
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken":
            return "check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        default: return nil
        }
    }

    /// The AWS error code, when the store answered with one.
    public var code: String? {
        if case .refused(_, let code, _) = self { return code }
        if case .notFound = self { return "NoSuchKey" }
        return nil
    }
}
