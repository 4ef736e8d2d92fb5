import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One request to an AWS service, before signing.
public struct AWSRequest: Sendable {
    public var service: AWSService
    public var method: String
    /// The decoded path (`/bucket/my key.png`); the client percent-encodes it.
    public var path: String
    /// Decoded query parameters (`["uploads": ""]` sends `?uploads=`).
    public var query: [String: String]
    public var headers: [String: String]
    public var body: Data
    /// Sign the body's SHA-256 (default), or send `UNSIGNED-PAYLOAD` (S3 only).
    public var signsPayload: Bool
    /// For S3: the bucket, addressed in the host name when the endpoint allows it, else in the path.
    /// `path` is then the key's path (`/key`).
    public var bucket: String?

    public init(service: AWSService, method: String = "GET", path: String = "/", query: [String: String] = [:],
                headers: [String: String] = [:], body: Data = Data(), signsPayload: Bool = true, bucket: String? = nil) {
        self.service = service
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.signsPayload = signsPayload
        self.bucket = bucket
    }
}

/// A successful answer, body read whole.
public struct AWSResponse: Sendable {
    public var status: Int
    /// Response headers in arrival order (names as the server sent them).
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.0.lowercased() == name }?.1
    }

    /// The body decoded as JSON (an empty body decodes as `{}`).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: body.isEmpty ? Data("{}".utf8) : body)
    }
}

/// A successful answer whose body is read by the caller as it arrives.
public struct AWSStreamingResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: HTTPClientResponse.Body

    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.0.lowercased() == name }?.1
    }
}

/// An error a stream consumer throws to ask for the request to be sent again (a short body,
/// a checksum mismatch).
public protocol AWSRetryableError: Error {}

/// Calls AWS services: signs with SigV4, sends through the shared HTTP client, retries what is
/// worth retrying, and turns error answers into ``AWSError``.
public struct AWSClient: Sendable {
    public let configuration: AWSConfiguration
    public var logger: Logger

    /// A logger that drops everything (the default: libraries log only when asked).
    public static let silentLogger = Logger(label: "blendbatch.aws", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(configuration: AWSConfiguration = .resolve(), logger: Logger = AWSClient.silentLogger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Send one request and read the whole answer.
    ///
    /// - Parameters:
    ///   - service: which service (signing name and endpoint).
    ///   - path: the decoded path; it is percent-encoded here.
    ///   - query: decoded query parameters.
    /// - Throws: ``AWSError`` for an error answer (after retries when retryable),
    ///   ``AWSClientError`` for credentials, endpoint and connection trouble.
    public func send(service: AWSService, method: String = "GET", path: String = "/", query: [String: String] = [:],
                     headers: [String: String] = [:], body: Data = Data()) async throws -> AWSResponse {
        try await send(AWSRequest(service: service, method: method, path: path, query: query, headers: headers, body: body))
    }

    /// Send one request and read the whole answer (see ``send(service:method:path:query:headers:body:)``).
    public func send(_ request: AWSRequest, maxResponseBytes: Int = 256 << 20) async throws -> AWSResponse {
        try await execute(request) { response in
            var body = Data()
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > maxResponseBytes { throw AWSClientError.invalidResponse("answer larger than \(maxResponseBytes) bytes") }
            }
            return AWSResponse(status: response.status, headers: response.headers, body: body)
        }
    }

    /// Send one request and hand a successful (2xx) answer to `consume` while its body streams in.
    ///
    /// `consume` may run more than once: when the connection drops mid-body (or `consume` throws
    /// an ``AWSRetryableError``) the request is sent again and `consume` must start over.
    public func execute<T: Sendable>(_ request: AWSRequest,
                                     consume: @Sendable (AWSStreamingResponse) async throws -> T) async throws -> T {
        let endpoint = try configuration.endpoint(for: request.service)
        let prepared = try Prepared(request: request, endpoint: endpoint, forcePathStyle: configuration.s3ForcePathStyle)
        let payloadHash = request.signsPayload ? SigV4Signer.payloadHash(request.body) : SigV4Signer.unsignedPayload
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            let credentials = try await configuration.credentials.credentials()
            let signer = SigV4Signer(credentials: credentials, region: request.service.isGlobal ? "us-east-1" : configuration.region,
                                     service: request.service.signingName)
            var headers = request.headers.map { ($0.key, $0.value) }
            headers.append(("host", prepared.host))
            let signed = signer.signHeaders(method: request.method, path: prepared.encodedPath, query: prepared.query,
                                            headers: headers, payloadHash: payloadHash)
            var http = HTTPClientRequest(url: prepared.url)
            http.method = HTTPMethod(rawValue: request.method.uppercased())
            for (name, value) in signed { http.headers.add(name: name, value: value) }
            http.headers.add(name: "User-Agent", value: UserAgent.header)
            if !request.body.isEmpty || ["PUT", "POST"].contains(request.method.uppercased()) {
                http.body = .bytes(ByteBuffer(bytes: request.body))
            }
            logger.trace("aws request", metadata: ["aws.service": "\(request.service)", "aws.method": "\(request.method)",
                                                   "aws.url": "\(prepared.url)", "aws.attempt": "\(attempt)"])
            let failure: any Error
            do {
                let response = try await AWSHTTP.shared.execute(http, timeout: .seconds(900))
                let status = Int(response.status.code)
                let responseHeaders = response.headers.map { ($0.name, $0.value) }
                if (200..<300).contains(status) {
                    return try await consume(AWSStreamingResponse(status: status, headers: responseHeaders, body: response.body))
                }
                let body = try await response.body.collect(upTo: 1 << 20)
                let error = AWSError.parse(service: request.service.signingName, statusCode: status,
                                           headers: responseHeaders, body: Data(body.readableBytesView))
                logger.debug("aws error", metadata: ["aws.service": "\(request.service)", "aws.code": "\(error.code)",
                                                     "aws.status": "\(status)", "aws.attempt": "\(attempt)"])
                if error.isExpiredCredentials, !refreshedCredentials,
                   let refreshing = configuration.credentials as? RefreshingCredentialProvider {
                    refreshedCredentials = true
                    await refreshing.invalidate()
                    attempt -= 1
                    continue
                }
                guard error.isRetryable else { throw error }
                failure = error
            } catch let error as AWSError {
                throw error
            } catch let error as AWSClientError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as any AWSRetryableError {
                failure = error
            } catch let error where Self.isTransportError(error) {
                if Task.isCancelled { throw CancellationError() }
                logger.debug("aws transport error", metadata: ["aws.url": "\(prepared.url)", "aws.error": "\(error)"])
                failure = AWSClientError.endpointUnreachable(prepared.endpointDescription, reason: Self.describe(error))
            }
            guard attempt < configuration.retry.maxAttempts else { throw failure }
            let delay = configuration.retry.delay(beforeRetry: attempt)
            logger.debug("aws retry", metadata: ["aws.url": "\(prepared.url)", "aws.delay": "\(delay)"])
            try await Task.sleep(for: .seconds(delay))
        }
    }

    /// True for failures of the connection itself (refused, reset, timed out, closed early).
    static func isTransportError(_ error: any Error) -> Bool {
        if error is HTTPClientError || error is IOError || error is ChannelError { return true }
        let type = String(reflecting: Swift.type(of: error))
        return type.hasPrefix("NIO") || type.contains("NIOConnectionError") || type.contains("NIOPosix")
    }

    /// A short human description of a transport error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "read timed out"
            case .remoteConnectionClosed: return "connection closed by the server"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connection refused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "connection refused"
        }
        return text
    }
}

/// A request's URL, host and encoded path, after endpoint and addressing rules.
struct Prepared {
    var url: String
    var host: String
    var encodedPath: String
    var query: [(String, String)]
    var endpointDescription: String

    init(request: AWSRequest, endpoint: AWSEndpoint, forcePathStyle: Bool) throws {
        guard let components = URLComponents(url: endpoint.url, resolvingAgainstBaseURL: false),
              let scheme = components.scheme, let endpointHost = components.host else {
            throw AWSClientError.invalidEndpoint(endpoint.url.absoluteString, origin: "endpoint")
        }
        var host = endpointHost.contains(":") && !endpointHost.hasPrefix("[") ? "[\(endpointHost)]" : endpointHost
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        var path = request.path.hasPrefix("/") ? request.path : "/" + request.path
        if let bucket = request.bucket {
            if endpoint.s3UsesPathStyle(bucket: bucket, forcePathStyle: forcePathStyle) {
                path = "/" + bucket + (path == "/" ? "" : path)
                if request.path == "/" || request.path.isEmpty { path = "/" + bucket }
            } else {
                host = bucket + "." + host
            }
        }
        if let port = components.port { host += ":\(port)" }
        encodedPath = basePath + AWSURIEncoding.encode(path, keepSlash: true)
        query = request.query.map { ($0.key, $0.value) }
        let queryText = query.isEmpty ? "" : "?" + AWSURIEncoding.canonicalQuery(query)
        url = "\(scheme)://\(host)\(encodedPath)\(queryText)"
        self.host = host
        endpointDescription = "\(scheme)://\(host)"
    }
}
