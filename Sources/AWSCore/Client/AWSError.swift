import Foundation

/// An error answer from an AWS service (or an S3-compatible peer): what the server said.
///
/// `description` is one line: `s3 NoSuchBucket (HTTP 404): The specified bucket does not exist [request 4442587FB7D0A2F9]`.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The signing name of the service that answered (`s3`, `batch`, `states`).
    public var service: String
    /// The AWS error code (`NoSuchKey`, `SignatureDoesNotMatch`, `ClientException`); for an answer
    /// without a body, a name for the HTTP status (`NotFound`, `Forbidden`).
    public var code: String
    public var message: String
    public var requestId: String?
    public var statusCode: Int

    public init(service: String, code: String, message: String, requestId: String? = nil, statusCode: Int) {
        self.service = service
        self.code = code
        self.message = message
        self.requestId = requestId
        self.statusCode = statusCode
    }

    public var description: String {
        var text = "\(service) \(code) (HTTP \(statusCode))"
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " [request \(requestId)]" }
        return text
    }

    /// Codes AWS asks clients to retry: throttling and transient server trouble.
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "IDPCommunicationError",
    ]

    /// Codes that mean the credentials ran out: refresh them and try again.
    static let expiredCredentialCodes: Set<String> = [
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired",
    ]

    /// True when the same request may succeed if sent again: 5xx, 429 and the throttling codes.
    public var isRetryable: Bool {
        statusCode >= 500 || statusCode == 429 || Self.retryableCodes.contains(code)
    }

    /// True when the credentials expired and fresh ones may fix it.
    public var isExpiredCredentials: Bool { Self.expiredCredentialCodes.contains(code) }

    /// Parse an error answer: XML (`<Error><Code>`, `<ErrorResponse>`), JSON (`__type`, `code`,
    /// `x-amzn-ErrorType`) or an empty body.
    public static func parse(service: String, statusCode: Int, headers: [(String, String)], body: Data) -> AWSError {
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        var code: String?
        var message: String?
        var requestId = header("x-amz-request-id") ?? header("x-amzn-requestid")
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("<") {
            code = xmlValue("Code", in: trimmed)
            message = xmlValue("Message", in: trimmed)
            requestId = xmlValue("RequestId", in: trimmed) ?? requestId
        } else if trimmed.hasPrefix("{"),
                  let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] {
            code = (object["__type"] as? String) ?? (object["code"] as? String) ?? (object["Code"] as? String)
            message = (object["message"] as? String) ?? (object["Message"] as? String) ?? (object["errorMessage"] as? String)
        }
        if let typeHeader = header("x-amzn-errortype") { code = code ?? typeHeader }
        // `prefix#Code` and `Code:http://...` forms carry the bare code inside.
        if var bare = code {
            if let hash = bare.lastIndex(of: "#") { bare = String(bare[bare.index(after: hash)...]) }
            if let colon = bare.firstIndex(of: ":") { bare = String(bare[..<colon]) }
            code = bare
        }
        let fallback = statusName(statusCode)
        return AWSError(service: service, code: (code?.isEmpty == false ? code : nil) ?? fallback,
                        message: message ?? (trimmed.isEmpty || trimmed.hasPrefix("<") || trimmed.hasPrefix("{") ? "" : String(trimmed.prefix(200))),
                        requestId: requestId, statusCode: statusCode)
    }

    /// A code for an answer that has none in its body (HEAD requests, proxies).
    static func statusName(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 304: return "NotModified"
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 416: return "InvalidRange"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 502: return "BadGateway"
        case 503: return "ServiceUnavailable"
        case 504: return "GatewayTimeout"
        default: return "HTTP\(status)"
        }
    }

    /// The text of the first `<tag>` element, XML entities decoded.
    static func xmlValue(_ tag: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(tag)>"),
              let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else { return nil }
        return xmlUnescape(String(text[open.upperBound..<close.lowerBound]))
    }

    static func xmlUnescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A failure on our side of the wire: no credentials, a bad setting, an unreachable endpoint.
///
/// A struct around a private code (so cases can be added); messages never contain secrets.
public struct AWSClientError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case noCredentials
        case profileNotFound
        case credentialsUnavailable
        case invalidEndpoint
        case endpointUnreachable
        case invalidResponse
    }

    private let code: Code
    public let message: String
    /// The specific reason alone (for ``noCredentials(_:)``: which source said what).
    public let detail: String

    private init(_ code: Code, _ message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail.isEmpty ? message : detail
    }

    public var description: String { message }

    /// Nothing in the credential chain produced credentials.
    public static func noCredentials(_ detail: String) -> AWSClientError {
        AWSClientError(.noCredentials, "no AWS credentials found (\(detail)); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where container or instance credentials exist", detail: detail)
    }

    /// `AWS_PROFILE` names a profile neither file has.
    public static func profileNotFound(_ name: String, files: [String]) -> AWSClientError {
        AWSClientError(.profileNotFound, "AWS profile '\(name)' not found in \(files.joined(separator: " or "))")
    }

    /// A configured credential source (container, instance metadata, profile) failed.
    public static func credentialsUnavailable(_ source: String, reason: String) -> AWSClientError {
        AWSClientError(.credentialsUnavailable, "cannot get AWS credentials from \(source): \(reason)")
    }

    /// An endpoint setting is not an http(s) URL.
    public static func invalidEndpoint(_ text: String, origin: String) -> AWSClientError {
        AWSClientError(.invalidEndpoint, "\(origin): '\(text)' is not an http:// or https:// URL")
    }

    /// The endpoint could not be reached after every retry.
    public static func endpointUnreachable(_ url: String, reason: String) -> AWSClientError {
        AWSClientError(.endpointUnreachable, "cannot reach \(url): \(reason)")
    }

    /// The server answered something we cannot read.
    public static func invalidResponse(_ detail: String) -> AWSClientError {
        AWSClientError(.invalidResponse, "unexpected answer: \(detail)")
    }

    public var isNoCredentials: Bool { code == .noCredentials }
    public var isProfileNotFound: Bool { code == .profileNotFound }
    public var isCredentialsUnavailable: Bool { code == .credentialsUnavailable }
    public var isInvalidEndpoint: Bool { code == .invalidEndpoint }
    public var isEndpointUnreachable: Bool { code == .endpointUnreachable }
    public var isInvalidResponse: Bool { code == .invalidResponse }
}
