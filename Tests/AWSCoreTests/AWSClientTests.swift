import Foundation
import Testing
@testable import AWSCore

/// The client against a loopback server that answers with canned statuses (the failure modes
/// an AWS endpoint shows: throttling, 5xx, plain 4xx). moto-backed tests live in ObjectStoreTests.
@Suite("AWS client: signing, retries, errors (loopback stand-in endpoint)", .serialized)
struct AWSClientTests {
    func client(_ url: String, attempts: Int = 4) -> AWSClient {
        let env = AWSEnvironment(variables: ["AWS_ENDPOINT_URL": url], homeDirectory: "/nonexistent")
        var configuration = AWSConfiguration(
            region: "us-east-1",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "super-secret-value", sessionToken: "session-secret")),
            environment: env)
        configuration.retry = RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05)
        return AWSClient(configuration: configuration)
    }

    @Test("503 SlowDown is retried until it succeeds; requests are signed for the service")
    func retriesThrottling() async throws {
        let counter = Counter()
        let server = try LoopbackServer { _ in
            counter.next() <= 2
                ? .init(status: 503, body: "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>")
                : .init(status: 200, headers: ["x-amz-request-id": "ok"], body: "done")
        }
        defer { server.stop() }
        let response = try await client(server.url).send(service: .s3, method: "PUT", path: "/bkt/key", body: Data("hi".utf8))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "done")
        #expect(server.requests.count == 3)
        let auth = try #require(server.requests.last?.headers["authorization"])
        #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
        #expect(auth.contains("/us-east-1/s3/aws4_request"))
        #expect(server.requests.last?.headers["x-amz-security-token"] == "session-secret")
        #expect(server.requests.last?.headers["x-amz-content-sha256"] == SigV4Signer.payloadHash(Data("hi".utf8)))
        #expect(server.requests.last?.headers["user-agent"] == "blendbatch/\(UserAgent.version) os/linux")
        #expect(server.requests.last?.headers["authorization"]?.contains("user-agent") == false, "not signed: proxies may rewrite it")
    }

    @Test("a plain 4xx is not retried and is reported with service, code, message and request id")
    func noRetryOn4xx() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 400, headers: ["x-amzn-RequestId": "req-9", "Content-Type": "application/x-amz-json-1.0"],
                  body: #"{"__type":"InvalidArn","message":"bad arn"}"#)
        }
        defer { server.stop() }
        do {
            let _: AWSEmpty = try await client(server.url).jsonTarget(.stepFunctions, target: "AWSStepFunctions.DescribeExecution",
                                                                      body: ["executionArn": "x"])
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error == AWSError(service: "states", code: "InvalidArn", message: "bad arn", requestId: "req-9", statusCode: 400))
            #expect(!"\(error)".contains("super-secret"))
        }
        #expect(server.requests.count == 1)
        #expect(server.requests[0].headers["x-amz-target"] == "AWSStepFunctions.DescribeExecution")
        #expect(server.requests[0].headers["content-type"] == "application/x-amz-json-1.0")
    }

    /// Hands out session credentials numbered by how often it was asked (a container endpoint or a helper).
    final class NumberedCredentials: AWSCredentialProvider, @unchecked Sendable {
        let counter = Counter()
        func credentials() async throws -> AWSCredentials {
            let n = counter.next()
            return AWSCredentials(accessKeyId: "ASIATEST\(n)", secretAccessKey: "super-secret-\(n)", sessionToken: "session-\(n)",
                                  expiration: Date().addingTimeInterval(3600))
        }
    }

    func refreshingClient(_ url: String, _ source: NumberedCredentials) -> AWSClient {
        var configuration = AWSConfiguration(region: "us-east-1", credentials: RefreshingCredentialProvider(source),
                                             environment: AWSEnvironment(variables: ["AWS_ENDPOINT_URL": url], homeDirectory: "/nonexistent"))
        configuration.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05)
        return AWSClient(configuration: configuration)
    }

    static let expiredToken = LoopbackServer.Response(
        status: 400, headers: ["x-amz-request-id": "req-exp"],
        body: "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")

    @Test("an expired session token: fresh credentials are fetched once and the request is sent again with them")
    func expiredTokenRefreshes() async throws {
        let server = try LoopbackServer { request in
            request.headers["x-amz-security-token"] == "session-1" ? Self.expiredToken : .init(status: 200, body: "done")
        }
        defer { server.stop() }
        let source = NumberedCredentials()
        let response = try await refreshingClient(server.url, source).send(service: .s3, path: "/bkt/key")
        #expect(response.status == 200)
        #expect(server.requests.map { $0.headers["x-amz-security-token"] } == ["session-1", "session-2"])
        #expect(server.requests.last?.headers["authorization"]?.contains("Credential=ASIATEST2/") == true)
    }

    @Test("a token that stays expired after the refresh is reported (ExpiredToken, request id), not retried further")
    func expiredTokenStays() async throws {
        let server = try LoopbackServer { _ in Self.expiredToken }
        defer { server.stop() }
        let source = NumberedCredentials()
        do {
            _ = try await refreshingClient(server.url, source).send(service: .s3, path: "/bkt/key")
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error.code == "ExpiredToken" && error.requestId == "req-exp" && error.statusCode == 400)
            #expect(!"\(error)".contains("super-secret"))
        }
        #expect(server.requests.count == 2)
    }

    @Test("500s until attempts run out: the last error is thrown")
    func givesUp() async throws {
        let server = try LoopbackServer { _ in .init(status: 500, body: "") }
        defer { server.stop() }
        do {
            _ = try await client(server.url, attempts: 3).send(service: .batch, method: "POST", path: "/v1/describejobs")
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error.code == "InternalError")
            #expect(error.statusCode == 500)
        }
        #expect(server.requests.count == 3)
    }

    @Test("REST-JSON call decodes the answer")
    func restJSON() async throws {
        struct Out: Decodable { var jobId: String }
        let server = try LoopbackServer { request in
            request.path == "/v1/submitjob" && request.headers["content-type"] == "application/json"
                ? .init(status: 200, headers: ["Content-Type": "text/html; charset=utf-8"], body: #"{"jobId":"j-1","jobName":"x"}"#)
                : .init(status: 404)
        }
        defer { server.stop() }
        let out = try await client(server.url).restJSON(.batch, path: "/v1/submitjob", body: ["jobName": "x"], as: Out.self)
        #expect(out.jobId == "j-1")
        #expect(server.requests[0].headers["authorization"]?.contains("/batch/aws4_request") == true)
    }

    @Test("an unreachable endpoint is one clear error, without secrets")
    func unreachable() async throws {
        // Bind and close a port so nothing listens on it.
        let server = try LoopbackServer { _ in .init(status: 200) }
        let url = server.url
        server.stop()
        do {
            _ = try await client(url, attempts: 2).send(service: .s3, path: "/bkt")
            Issue.record("expected an error")
        } catch let error as AWSClientError {
            #expect(error.isEndpointUnreachable)
            #expect(error.message.contains(url))
            #expect(!error.message.contains("super-secret"))
        }
    }
}
