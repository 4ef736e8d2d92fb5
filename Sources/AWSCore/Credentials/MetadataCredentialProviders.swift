import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The JSON both metadata services answer with.
struct MetadataCredentials: Decodable {
    var AccessKeyId: String
    var SecretAccessKey: String
    var Token: String?
    var Expiration: String?
    var Code: String?
    var Message: String?

    func credentials(source: String) throws -> AWSCredentials {
        if let code = Code, code != "Success" {
            throw AWSClientError.credentialsUnavailable(source, reason: "\(code) \(Message ?? "")")
        }
        return AWSCredentials(accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token,
                              expiration: Expiration.flatMap(parseISO8601), source: source)
    }
}

/// Container credentials, what ECS and AWS Batch tasks get:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (below `http://169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)`.
public struct ContainerCredentialProvider: AWSCredentialProvider {
    public let environment: AWSEnvironment
    public init(environment: AWSEnvironment = .process) { self.environment = environment }

    /// Hosts a plain-http full URI may name (the ECS and EKS agents, or loopback).
    static let allowedHTTPHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]

    public func credentials() async throws -> AWSCredentials {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            guard let parsed = URL(string: full), let host = parsed.host,
                  parsed.scheme == "https" || (parsed.scheme == "http" && (Self.allowedHTTPHosts.contains(host) || host.hasPrefix("127."))) else {
                throw AWSClientError.credentialsUnavailable("container", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/ECS/EKS address")
            }
            url = full
        } else {
            throw AWSClientError.noCredentials("no container credentials URI")
        }
        var request = HTTPClientRequest(url: url)
        if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            request.headers.add(name: "Authorization", value: token)
        } else if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw AWSClientError.credentialsUnavailable("container", reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            request.headers.add(name: "Authorization", value: token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var lastError = ""
        for attempt in 0..<3 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(200 * attempt)) }
            do {
                let response = try await AWSHTTP.shared.execute(request, timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 20)
                guard response.status == .ok else {
                    lastError = "HTTP \(response.status.code)"
                    if response.status.code < 500 { break }
                    continue
                }
                do {
                    return try JSONDecoder().decode(MetadataCredentials.self, from: Data(body.readableBytesView)).credentials(source: "container")
                } catch let error as AWSClientError {
                    throw error
                } catch {
                    throw AWSClientError.credentialsUnavailable("container", reason: "unreadable answer from \(url)")
                }
            } catch let error as AWSClientError {
                throw error
            } catch {
                lastError = "\(error)"
            }
        }
        throw AWSClientError.credentialsUnavailable("container", reason: "\(url): \(lastError)")
    }
}

/// EC2 instance metadata with IMDSv2 session tokens. `AWS_EC2_METADATA_DISABLED=true` turns it
/// off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it (tests).
public struct InstanceMetadataCredentialProvider: AWSCredentialProvider {
    public let environment: AWSEnvironment
    public init(environment: AWSEnvironment = .process) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw AWSClientError.noCredentials("instance metadata disabled")
        }
        var base = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        while base.hasSuffix("/") { base.removeLast() }
        let timeout = TimeAmount.seconds(1)
        // Not on EC2 (or no route): this source is simply absent.
        let token: String
        do {
            var request = HTTPClientRequest(url: base + "/latest/api/token")
            request.method = .PUT
            request.headers.add(name: "x-aws-ec2-metadata-token-ttl-seconds", value: "21600")
            let response = try await AWSHTTP.shared.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 64 * 1024)
            guard response.status == .ok else { throw AWSClientError.noCredentials("instance metadata answered \(response.status.code)") }
            token = String(buffer: body)
        } catch let error as AWSClientError {
            throw error
        } catch {
            throw AWSClientError.noCredentials("no instance metadata service")
        }
        func get(_ path: String) async throws -> String {
            var request = HTTPClientRequest(url: base + path)
            request.headers.add(name: "x-aws-ec2-metadata-token", value: token)
            let response = try await AWSHTTP.shared.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            if response.status == .notFound { throw AWSClientError.noCredentials("instance has no IAM role") }
            guard response.status == .ok else {
                throw AWSClientError.credentialsUnavailable("instance metadata", reason: "HTTP \(response.status.code) for \(path)")
            }
            return String(buffer: body)
        }
        let role = try await get("/latest/meta-data/iam/security-credentials/")
            .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !role.isEmpty else { throw AWSClientError.noCredentials("instance has no IAM role") }
        let json = try await get("/latest/meta-data/iam/security-credentials/" + role)
        do {
            return try JSONDecoder().decode(MetadataCredentials.self, from: Data(json.utf8)).credentials(source: "instance metadata")
        } catch let error as AWSClientError {
            throw error
        } catch {
            throw AWSClientError.credentialsUnavailable("instance metadata", reason: "unreadable credentials for role \(role)")
        }
    }
}
