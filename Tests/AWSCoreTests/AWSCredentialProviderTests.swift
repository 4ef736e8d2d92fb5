import Foundation
import Testing
@testable import AWSCore

/// Writes `~/.aws`-style files into a temp home for one test.
struct TempAWSHome {
    let home: String
    init(credentials: String? = nil, config: String? = nil) throws {
        home = try makeTempDirectory()
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        if let credentials { try credentials.write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8) }
        if let config { try config.write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8) }
    }
    func environment(_ variables: [String: String] = [:]) -> AWSEnvironment {
        AWSEnvironment(variables: variables.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { a, _ in a }, homeDirectory: home)
    }
    func remove() { try? FileManager.default.removeItem(atPath: home) }
}

@Suite("Credential chain")
struct AWSCredentialProviderTests {
    let credentialsFile = """
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = secret-default

        # a comment
        [dev]
        aws_access_key_id=AKIDDEV
        aws_secret_access_key=secret-dev
        aws_session_token = token-dev
        """
    let configFile = """
        [default]
        region = us-west-2

        [profile dev]
        region = eu-west-1
        s3 =
          addressing_style = path

        [profile config-only]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = secret-config
        endpoint_url = http://127.0.0.1:9000
        """

    @Test("environment variables come first, with the session token")
    func environmentFirst() async throws {
        let home = try TempAWSHome(credentials: credentialsFile)
        defer { home.remove() }
        let env = home.environment(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SESSION_TOKEN": "tok"])
        let credentials = try await CredentialChain.default(environment: env).credentials()
        #expect(credentials.accessKeyId == "AKIDENV")
        #expect(credentials.sessionToken == "tok")
        #expect(credentials.source == "environment")
    }

    @Test("the default profile of ~/.aws/credentials when the environment has no keys")
    func defaultProfile() async throws {
        let home = try TempAWSHome(credentials: credentialsFile, config: configFile)
        defer { home.remove() }
        let credentials = try await CredentialChain.default(environment: home.environment()).credentials()
        #expect(credentials.accessKeyId == "AKIDDEFAULT")
        #expect(credentials.source == "profile default")
        let configuration = AWSConfiguration.resolve(environment: home.environment())
        #expect(configuration.region == "us-west-2")
    }

    @Test("AWS_PROFILE selects a profile; its region and s3 addressing style come from ~/.aws/config")
    func namedProfile() async throws {
        let home = try TempAWSHome(credentials: credentialsFile, config: configFile)
        defer { home.remove() }
        let env = home.environment(["AWS_PROFILE": "dev"])
        let credentials = try await CredentialChain.default(environment: env).credentials()
        #expect(credentials.accessKeyId == "AKIDDEV")
        #expect(credentials.sessionToken == "token-dev")
        let configuration = AWSConfiguration.resolve(environment: env)
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.regionSource == "profile dev")
        #expect(configuration.s3ForcePathStyle)
    }

    @Test("keys and endpoint_url in the config file only, found through AWS_CONFIG_FILE")
    func configFileOnly() async throws {
        let home = try TempAWSHome()
        defer { home.remove() }
        let path = home.home + "/elsewhere-config"
        try configFile.write(toFile: path, atomically: true, encoding: .utf8)
        let env = home.environment(["AWS_PROFILE": "config-only", "AWS_CONFIG_FILE": path])
        let credentials = try await CredentialChain.default(environment: env).credentials()
        #expect(credentials.accessKeyId == "AKIDCONFIG")
        let endpoint = try AWSConfiguration.resolve(environment: env).endpoint(for: .s3)
        #expect(endpoint.url.absoluteString == "http://127.0.0.1:9000")
        #expect(endpoint.isCustom)
    }

    @Test("AWS_SHARED_CREDENTIALS_FILE moves the credentials file")
    func sharedCredentialsFile() async throws {
        let home = try TempAWSHome()
        defer { home.remove() }
        let path = home.home + "/creds"
        try credentialsFile.write(toFile: path, atomically: true, encoding: .utf8)
        let credentials = try await CredentialChain.default(environment: home.environment(["AWS_SHARED_CREDENTIALS_FILE": path])).credentials()
        #expect(credentials.accessKeyId == "AKIDDEFAULT")
    }

    @Test("a profile named in AWS_PROFILE that does not exist is an error naming it")
    func missingProfile() async throws {
        let home = try TempAWSHome(credentials: credentialsFile)
        defer { home.remove() }
        await #expect(throws: AWSClientError.self) {
            try await CredentialChain.default(environment: home.environment(["AWS_PROFILE": "nope"])).credentials()
        }
        do {
            _ = try await CredentialChain.default(environment: home.environment(["AWS_PROFILE": "nope"])).credentials()
        } catch let error as AWSClientError {
            #expect(error.isProfileNotFound)
            #expect(error.message.contains("'nope'"))
        }
    }

    @Test("no credentials anywhere gives one clear error")
    func nothingFound() async throws {
        let home = try TempAWSHome()
        defer { home.remove() }
        do {
            _ = try await CredentialChain.default(environment: home.environment()).credentials()
            Issue.record("expected an error")
        } catch let error as AWSClientError {
            #expect(error.isNoCredentials)
            #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
        }
    }

    @Test("region: AWS_REGION beats AWS_DEFAULT_REGION beats the profile")
    func regionOrder() throws {
        let home = try TempAWSHome(config: configFile)
        defer { home.remove() }
        #expect(AWSConfiguration.resolve(environment: home.environment(["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "sa-east-1"])).region == "ap-south-1")
        #expect(AWSConfiguration.resolve(environment: home.environment(["AWS_DEFAULT_REGION": "sa-east-1"])).region == "sa-east-1")
        #expect(AWSConfiguration.resolve(environment: home.environment()).region == "us-west-2")
        let bare = try TempAWSHome()
        defer { bare.remove() }
        #expect(AWSConfiguration.resolve(environment: bare.environment()).region == "us-east-1")
    }

    /// Counts calls and hands out numbered credentials that expire after `lifetime` seconds.
    actor CountingProvider: AWSCredentialProvider {
        var calls = 0
        let lifetime: TimeInterval
        init(lifetime: TimeInterval) { self.lifetime = lifetime }
        func credentials() async throws -> AWSCredentials {
            calls += 1
            return AWSCredentials(accessKeyId: "AKID\(calls)", secretAccessKey: "s", expiration: Date().addingTimeInterval(lifetime))
        }
    }

    @Test("long-lived credentials are cached; ones about to expire are fetched again")
    func refreshBeforeExpiry() async throws {
        let longLived = CountingProvider(lifetime: 3600)
        let cache = RefreshingCredentialProvider(longLived, refreshMargin: 300)
        _ = try await cache.credentials()
        _ = try await cache.credentials()
        #expect(await longLived.calls == 1)

        let shortLived = CountingProvider(lifetime: 120)  // inside the 300 s margin
        let refreshing = RefreshingCredentialProvider(shortLived, refreshMargin: 300)
        let first = try await refreshing.credentials()
        let second = try await refreshing.credentials()
        #expect(first.accessKeyId == "AKID1")
        #expect(second.accessKeyId == "AKID2")
    }
}
