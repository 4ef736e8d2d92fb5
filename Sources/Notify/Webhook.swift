import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A JSON POST to a chat or push service (Slack and Teams incoming webhooks, ntfy, anything that
/// takes JSON): HTTPS, or plain HTTP to this machine only. Failed attempts (no connection, a 5xx, a
/// 429) are tried again with backoff; any other answer is final. Nothing it says names a secret.
public struct Webhook: Sendable {
    public let url: SecretText
    public let headers: [String: SecretText]
    public let body: Data
    /// Attempts in all, and the wait before the second (doubling after).
    public var attempts = 3
    public var backoff: Double = 0.5
    public var timeout: Int64 = 10

    /// Why a webhook was not delivered, in one line without secrets.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The URL was refused before sending (bad scheme, host not allowed): the caller's mistake.
        public let isUsage: Bool
    }

    /// The host the URL names; throws when the URL is neither HTTPS nor loopback HTTP.
    public static func host(of url: SecretText) throws(Failure) -> String {
        guard let parts = URLComponents(string: url.value), let scheme = parts.scheme?.lowercased(), let host = parts.host?.lowercased(),
              !host.isEmpty else {
            throw Failure(description: "\(url.shown): not a URL; give https://HOST/…", isUsage: true)
        }
        let loopback = ["127.0.0.1", "::1", "localhost", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Failure(description: "\(url.shown): webhooks go over https:// (plain http:// only to this machine)", isUsage: true)
        }
        return host
    }

    public init(url: SecretText, headers: [String: SecretText] = [:], body: Data) {
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// POST the body; returns the HTTP status of the delivery.
    @discardableResult
    public func post(client: HTTPClient = HTTPClient.shared) async throws(Failure) -> Int {
        _ = try Self.host(of: url)
        var last = ""
        for attempt in 1...max(1, attempts) {
            if attempt > 1 { try? await Task.sleep(nanoseconds: UInt64(backoff * pow(2, Double(attempt - 2)) * 1e9)) }
            var request = HTTPClientRequest(url: url.value)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "blendbatch")
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value.value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(timeout))
                let text = String(buffer: try await response.body.collect(upTo: 64 << 10))
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return status }
                last = "HTTP \(status)" + (text.isEmpty ? "" : ": " + redact(String(text.prefix(200))))
                if status != 429 && status < 500 { break }
            } catch {
                if Task.isCancelled { break }
                last = redact("\(error)")
            }
        }
        throw Failure(description: "webhook \(url.shown) not delivered after \(attempts) attempt(s): \(last)", isUsage: false)
    }

    private func redact(_ text: String) -> String {
        headers.values.reduce(url.redact(text)) { $1.redact($0) }
    }
}
