import Foundation

/// Where requests for one service go, and how S3 buckets are addressed there.
public struct AWSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var url: URL
    /// True when the user configured it (`AWS_ENDPOINT_URL*`, `endpoint_url`): an S3-compatible
    /// store or an emulator, which get path-style addressing.
    public var isCustom: Bool

    public init(url: URL, isCustom: Bool) {
        self.url = url
        self.isCustom = isCustom
    }

    /// Resolve the endpoint like the AWS CLI: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
    /// then the profile's `endpoint_url`, else the public AWS endpoint for `region`.
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the configured ones.
    public static func resolve(service: AWSService, region: String, environment: AWSEnvironment,
                               profile: AWSProfile) throws -> AWSEndpoint {
        let ignore = (environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? profile["ignore_configured_endpoint_urls"])?
            .lowercased() == "true"
        if !ignore {
            let configured: [(String, String?)] = [
                (service.endpointEnvironmentVariable, environment[service.endpointEnvironmentVariable]),
                ("AWS_ENDPOINT_URL", environment["AWS_ENDPOINT_URL"]),
                ("endpoint_url in profile \(profile.name)", profile["endpoint_url"]),
            ]
            for case let (origin, text?) in configured {
                guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
                      url.host != nil else {
                    throw AWSClientError.invalidEndpoint(text, origin: origin)
                }
                return AWSEndpoint(url: url, isCustom: true)
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let host = service.isGlobal ? "\(service.endpointPrefix).\(suffix)" : "\(service.endpointPrefix).\(region).\(suffix)"
        return AWSEndpoint(url: URL(string: "https://\(host)")!, isCustom: false)
    }

    /// The host name of the endpoint.
    public var host: String { url.host ?? "" }

    /// True for `localhost`, IPv4 and IPv6 literals: hosts a bucket name can never be prefixed to.
    public var hostIsAddressOrLocalhost: Bool {
        let host = self.host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host.contains(":") { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether `bucket` must go in the path (`https://host/bucket/key`) rather than the host name.
    /// Path-style for custom endpoints (emulators, MinIO, an IP or localhost), for `forcePathStyle`,
    /// and for bucket names that are not valid DNS labels (dots break TLS wildcards).
    public func s3UsesPathStyle(bucket: String, forcePathStyle: Bool = false) -> Bool {
        if forcePathStyle || isCustom || hostIsAddressOrLocalhost { return true }
        let validLabel = bucket.count >= 3 && bucket.count <= 63 && !bucket.contains(".")
            && bucket.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
            && bucket.first != "-" && bucket.last != "-"
        return !validLabel
    }

    public var description: String { url.absoluteString }
}
