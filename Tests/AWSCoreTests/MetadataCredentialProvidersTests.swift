import Foundation
import Testing
@testable import AWSCore

/// The container agent and the EC2 metadata service cannot run here: a loopback server plays them.
@Suite("Container and instance metadata credentials (loopback stand-in servers)", .serialized)
struct MetadataCredentialProvidersTests {
    static func credentialsJSON(_ id: String, expiresIn seconds: TimeInterval) -> String {
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
        return #"{"AccessKeyId":"\#(id)","SecretAccessKey":"container-secret","Token":"container-token","Expiration":"\#(expiration)","RoleArn":"arn:aws:iam::123456789012:role/render"}"#
    }

    @Test("AWS_CONTAINER_CREDENTIALS_FULL_URI with an authorization token")
    func containerFullURI() async throws {
        let server = try LoopbackServer { request in
            guard request.path == "/v2/credentials/abc", request.headers["authorization"] == "Bearer sesame" else {
                return .init(status: 403, body: "no")
            }
            return .init(status: 200, headers: ["Content-Type": "application/json"],
                         body: Self.credentialsJSON("ASIACONTAINER", expiresIn: 3600))
        }
        defer { server.stop() }
        let env = AWSEnvironment(variables: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/v2/credentials/abc",
                                             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer sesame",
                                             "AWS_EC2_METADATA_DISABLED": "true"], homeDirectory: "/nonexistent")
        let credentials = try await CredentialChain.default(environment: env).credentials()
        #expect(credentials.accessKeyId == "ASIACONTAINER")
        #expect(credentials.sessionToken == "container-token")
        #expect(credentials.source == "container")
        let expiration = try #require(credentials.expiration)
        #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
    }

    @Test("container credentials are refreshed when they near expiry")
    func containerRefresh() async throws {
        let counter = Counter()
        let server = try LoopbackServer { _ in
            .init(status: 200, body: Self.credentialsJSON("ASIA\(counter.next())", expiresIn: 60))
        }
        defer { server.stop() }
        let env = AWSEnvironment(variables: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds",
                                             "AWS_EC2_METADATA_DISABLED": "true"], homeDirectory: "/nonexistent")
        let provider = RefreshingCredentialProvider(CredentialChain.default(environment: env), refreshMargin: 300)
        let first = try await provider.credentials()
        let second = try await provider.credentials()
        #expect(first.accessKeyId == "ASIA1")
        #expect(second.accessKeyId == "ASIA2")
        #expect(server.requests.count == 2)
    }

    @Test("a plain-http full URI to a non-loopback host is refused")
    func containerRefusesRemoteHTTP() async throws {
        let env = AWSEnvironment(variables: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"], homeDirectory: "/nonexistent")
        do {
            _ = try await ContainerCredentialProvider(environment: env).credentials()
            Issue.record("expected an error")
        } catch let error as AWSClientError {
            #expect(error.isCredentialsUnavailable)
        }
    }

    @Test("IMDSv2: a session token first, then the role, then its credentials")
    func instanceMetadata() async throws {
        let server = try LoopbackServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] != nil else { return .init(status: 400) }
                return .init(status: 200, body: "imds-token")
            case (_, _) where request.headers["x-aws-ec2-metadata-token"] != "imds-token":
                return .init(status: 401)
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return .init(status: 200, body: "render-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/render-role"):
                return .init(status: 200, body: #"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-session","Expiration":"2099-01-01T00:00:00Z"}"#)
            default:
                return .init(status: 404)
            }
        }
        defer { server.stop() }
        let env = AWSEnvironment(variables: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url], homeDirectory: "/nonexistent")
        let credentials = try await CredentialChain.default(environment: env).credentials()
        #expect(credentials.accessKeyId == "ASIAIMDS")
        #expect(credentials.source == "instance metadata")
        #expect(server.requests.map(\.method) == ["PUT", "GET", "GET"])
    }
}

/// A thread-safe counter for handlers that run on server threads.
final class Counter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
