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

    /// A local file-system failure as one line naming `path` and the system's reason ("No space left
    /// on device"), never a Foundation error's dump; a `StoreError` stays as it is.
    public static func ioFailure(_ path: String, _ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        return .io(path, reason: systemReason(error))
    }

    /// The reason of a Foundation or POSIX error in words: its POSIX error's text when it has one.
    public static func systemReason(_ error: any Error) -> String {
        let error = error as NSError
        let posix = error.domain == NSPOSIXErrorDomain ? error : error.userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix, posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        guard error.domain == NSCocoaErrorDomain else { return error.localizedDescription }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileWriteOutOfSpace: return "No space left on device"
        case .fileWriteNoPermission, .fileReadNoPermission: return "Permission denied"
        case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
        case .fileWriteFileExists: return "File exists"
        case .fileWriteVolumeReadOnly: return "Read-only file system"
        default: return error.localizedDescription
        }
    }

    /// The AWS error code, when the store answered with one.
    public var code: String? {
        if case .refused(_, let code, _) = self { return code }
        if case .notFound = self { return "NoSuchKey" }
        return nil
    }
}
