import Foundation

/// Everything a client needs, resolved once the way the AWS CLI does: region, credentials,
/// endpoints and retry settings.
public struct AWSConfiguration: Sendable {
    public var region: String
    /// Where the region came from (`AWS_REGION`, `profile dev`, `default`), for messages.
    public var regionSource: String
    public var credentials: any AWSCredentialProvider
    public var environment: AWSEnvironment
    public var profile: AWSProfile
    public var retry: RetryPolicy
    /// Always address S3 buckets in the path (profile `s3.addressing_style = path`).
    public var s3ForcePathStyle: Bool

    public init(region: String, credentials: any AWSCredentialProvider, environment: AWSEnvironment = AWSEnvironment(variables: [:]),
                retry: RetryPolicy = RetryPolicy(), s3ForcePathStyle: Bool = false) {
        self.region = region
        self.regionSource = "explicit"
        self.credentials = credentials
        self.environment = environment
        self.profile = environment.profile()
        self.retry = retry
        self.s3ForcePathStyle = s3ForcePathStyle
    }

    /// Resolve from the environment and the shared config files:
    /// region from `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`;
    /// credentials from the default chain, cached and refreshed before they expire;
    /// `AWS_MAX_ATTEMPTS` / profile `max_attempts` for retries.
    public static func resolve(environment: AWSEnvironment = .process) -> AWSConfiguration {
        let profile = environment.profile()
        let (region, source): (String, String)
        if let value = environment["AWS_REGION"] {
            (region, source) = (value, "AWS_REGION")
        } else if let value = environment["AWS_DEFAULT_REGION"] {
            (region, source) = (value, "AWS_DEFAULT_REGION")
        } else if let value = profile["region"] {
            (region, source) = (value, "profile \(profile.name)")
        } else {
            (region, source) = ("us-east-1", "default")
        }
        var retry = RetryPolicy()
        if let attempts = (environment["AWS_MAX_ATTEMPTS"] ?? profile["max_attempts"]).flatMap(Int.init), attempts >= 1 {
            retry.maxAttempts = attempts
        }
        var configuration = AWSConfiguration(
            region: region,
            credentials: RefreshingCredentialProvider(CredentialChain.default(environment: environment)),
            environment: environment, retry: retry,
            s3ForcePathStyle: profile["s3.addressing_style"] == "path")
        configuration.regionSource = source
        return configuration
    }

    /// The endpoint for `service` (see ``AWSEndpoint/resolve(service:region:environment:profile:)``).
    public func endpoint(for service: AWSService) throws -> AWSEndpoint {
        try AWSEndpoint.resolve(service: service, region: region, environment: environment, profile: profile)
    }
}

/// Retries with capped exponential backoff and jitter.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first included.
    public var maxAttempts: Int
    /// The backoff before retry n (n ≥ 1) is random in `c/2 ... c` with `c = min(maxDelay, baseDelay · 2^(n-1))`
    /// ("equal jitter": spread out, never zero).
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 20) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
