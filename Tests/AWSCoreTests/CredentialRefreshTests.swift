import Foundation
import Testing
@testable import AWSCore

/// What Batch containers and EC2 hosts hand a worker, and how the cache behaves when a refresh
/// goes wrong. The container agent and the instance metadata service are loopback stand-ins.
@Suite("Container token files, IMDS without a role, refresh failures (loopback stand-in servers)", .serialized)
struct CredentialRefreshTests {
    @Test("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: the token is read (trimmed) on every fetch, so a rotated token is used")
    func tokenFile() async throws {
        let folder = try makeTempDirectory()
        let file = folder + "/token"
        try "first-token\n".write(toFile: file, atomically: true, encoding: .utf8)
        let server = try LoopbackServer { request in
            .init(status: 200, body: MetadataCredentialProvidersTests.credentialsJSON("ASIA-\(request.headers["authorization"] ?? "none")", expiresIn: 3600))
        }
        defer { server.stop() }
        let provider = ContainerCredentialProvider(environment: AWSEnvironment(variables: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file],
            homeDirectory: "/nonexistent"))
        #expect(try await provider.credentials().accessKeyId == "ASIA-first-token")
        try "second-token".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await provider.credentials().accessKeyId == "ASIA-second-token")
    }

    @Test("a token file that cannot be read is an error naming it")
    func missingTokenFile() async throws {
        let provider = ContainerCredentialProvider(environment: AWSEnvironment(variables: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/nonexistent/token"],
            homeDirectory: "/nonexistent"))
        await #expect {
            _ = try await provider.credentials()
        } throws: { error in
            (error as? AWSClientError)?.isCredentialsUnavailable == true && "\(error)".contains("/nonexistent/token")
        }
    }

    @Test("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (what Batch sets) is asked of the ECS agent at 169.254.170.2, before any full URI")
    func relativeURI() async throws {
        let server = try LoopbackServer { _ in .init(status: 200, body: MetadataCredentialProvidersTests.credentialsJSON("ASIAFULL", expiresIn: 3600)) }
        defer { server.stop() }
        let provider = ContainerCredentialProvider(environment: AWSEnvironment(variables: [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc", "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds"],
            homeDirectory: "/nonexistent"))
        // No ECS agent here: the failure names the address it tried, and the full URI was never used.
        await #expect {
            _ = try await provider.credentials()
        } throws: { error in
            "\(error)".contains("http://169.254.170.2/v2/credentials/abc")
        }
        #expect(server.requests.isEmpty)
    }

    @Test("IMDS on a host without an instance role: no credentials from it (the chain moves on), not an error about the service")
    func instanceWithoutRole() async throws {
        let server = try LoopbackServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"): return .init(status: 200, body: "imds-token")
            default: return .init(status: 404)
            }
        }
        defer { server.stop() }
        let provider = InstanceMetadataCredentialProvider(environment: AWSEnvironment(variables: [
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url], homeDirectory: "/nonexistent"))
        await #expect {
            _ = try await provider.credentials()
        } throws: { error in
            (error as? AWSClientError)?.isNoCredentials == true && "\(error)".contains("no IAM role")
        }
        #expect(server.requests.map(\.path) == ["/latest/api/token", "/latest/meta-data/iam/security-credentials/"])
    }

    /// Hands out `AKID<n>` expiring `lifetime` s from `now`, or fails once `failing` is set.
    actor FlakyProvider: AWSCredentialProvider {
        var calls = 0
        var failing = false
        let lifetime: TimeInterval
        let delay: Duration
        init(lifetime: TimeInterval, delay: Duration = .zero) {
            self.lifetime = lifetime
            self.delay = delay
        }
        func fail() { failing = true }
        func credentials() async throws -> AWSCredentials {
            calls += 1
            try await Task.sleep(for: delay)
            if failing { throw AWSClientError.credentialsUnavailable("stand-in", reason: "refresh failed") }
            return AWSCredentials(accessKeyId: "AKID\(calls)", secretAccessKey: "s", expiration: Date().addingTimeInterval(lifetime))
        }
    }

    @Test("a failed refresh keeps the credentials while they are still valid; once they expire the failure comes through")
    func keepsCredentialsWhenRefreshFails() async throws {
        let base = FlakyProvider(lifetime: 600)
        let clock = ProcessCredentialProviderTests.TestClock()
        let cache = RefreshingCredentialProvider(base, refreshMargin: 300, now: { clock.now() })
        #expect(try await cache.credentials().accessKeyId == "AKID1")
        await base.fail()
        clock.advance(400)   // inside the refresh margin: a refresh is tried, and fails
        #expect(try await cache.credentials().accessKeyId == "AKID1")
        #expect(await base.calls == 2)
        clock.advance(300)   // past the expiry
        await #expect(throws: AWSClientError.self) { _ = try await cache.credentials() }
    }

    @Test("concurrent callers during a refresh share one fetch")
    func concurrentRefreshes() async throws {
        let base = FlakyProvider(lifetime: 3600, delay: .milliseconds(200))
        let cache = RefreshingCredentialProvider(base, refreshMargin: 300)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ids == Array(repeating: "AKID1", count: 20))
        #expect(await base.calls == 1)
    }
}
