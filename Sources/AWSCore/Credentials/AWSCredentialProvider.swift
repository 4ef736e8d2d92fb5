import Foundation

/// Something that can produce credentials: fixed keys, the environment, a profile, a metadata service.
public protocol AWSCredentialProvider: Sendable {
    /// Current credentials. Throws ``AWSClientError/noCredentials(_:)`` when this source is not
    /// configured at all (so a chain moves on), any other error when it is configured but failing.
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials.
public struct StaticCredentialProvider: AWSCredentialProvider {
    public let value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`).
public struct EnvironmentCredentialProvider: AWSCredentialProvider {
    public let environment: AWSEnvironment
    public init(environment: AWSEnvironment = .process) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials {
        guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw AWSClientError.noCredentials("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set")
        }
        let expiration = environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(parseISO8601)
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret,
                              sessionToken: environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"],
                              expiration: expiration, source: "environment")
    }
}

/// The selected profile of `~/.aws/credentials` or `~/.aws/config`: its keys, else its
/// `credential_process` (static keys win, as in the AWS SDKs).
public struct ProfileCredentialProvider: AWSCredentialProvider {
    public let environment: AWSEnvironment
    /// Seconds a `credential_process` helper may run.
    public let processTimeout: TimeInterval
    public init(environment: AWSEnvironment = .process, processTimeout: TimeInterval = 60) {
        self.environment = environment
        self.processTimeout = processTimeout
    }

    public func credentials() async throws -> AWSCredentials {
        let profile = environment.profile()
        if !profile.exists {
            if environment.profileIsExplicit {
                throw AWSClientError.profileNotFound(profile.name, files: [environment.credentialsFilePath, environment.configFilePath])
            }
            throw AWSClientError.noCredentials("no profile '\(profile.name)'")
        }
        guard let id = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] else {
            if profile["credential_process"] != nil {
                return try await ProcessCredentialProvider(environment: environment, timeout: processTimeout).credentials()
            }
            throw AWSClientError.noCredentials("profile '\(profile.name)' has no aws_access_key_id/aws_secret_access_key or credential_process")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: profile["aws_session_token"],
                              source: "profile \(profile.name)")
    }
}

/// Tries providers in order and keeps the first that answers; sources that are not configured
/// are skipped, a configured source that fails is reported.
public struct CredentialChain: AWSCredentialProvider {
    public let providers: [any AWSCredentialProvider]
    public init(_ providers: [any AWSCredentialProvider]) { self.providers = providers }

    /// The AWS CLI's order: environment, profile files (keys, then `credential_process`), container
    /// credentials, instance metadata.
    public static func `default`(environment: AWSEnvironment = .process) -> CredentialChain {
        CredentialChain([
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(environment: environment),
            ContainerCredentialProvider(environment: environment),
            InstanceMetadataCredentialProvider(environment: environment),
        ])
    }

    public func credentials() async throws -> AWSCredentials {
        var skipped: [String] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as AWSClientError where error.isNoCredentials {
                skipped.append(error.detail)
            }
        }
        throw AWSClientError.noCredentials(skipped.joined(separator: "; "))
    }
}

/// Caches another provider's credentials and fetches fresh ones `refreshMargin` seconds before
/// they expire; concurrent callers share one refresh.
public actor RefreshingCredentialProvider: AWSCredentialProvider {
    private let base: any AWSCredentialProvider
    private let refreshMargin: TimeInterval
    private var cached: AWSCredentials?
    private var refreshing: Task<AWSCredentials, any Error>?
    private let now: @Sendable () -> Date

    /// `now` is the clock expiry is judged by (tests move it forward).
    public init(_ base: any AWSCredentialProvider, refreshMargin: TimeInterval = 300,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: refreshMargin, now: now()) { return cached }
        if let refreshing { return try await refreshing.value }
        let task = Task { [base] in try await base.credentials() }
        refreshing = task
        defer { refreshing = nil }
        do {
            let fresh = try await task.value
            cached = fresh
            return fresh
        } catch {
            // Refresh failed but the old credentials still work for a while: keep using them.
            if let cached, !cached.expires(within: 0, now: now()) { return cached }
            throw error
        }
    }

    /// Forget the cached credentials (after the service said they expired).
    public func invalidate() { cached = nil }
}

/// Parse `2026-11-25T18:00:00Z` (with or without fractional seconds).
func parseISO8601(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}
