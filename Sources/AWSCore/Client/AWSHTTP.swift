import AsyncHTTPClient
import Foundation
import NIOCore

/// The one HTTP client every AWS call in the process shares (connection pool, event loops).
///
/// It lives as long as the process and is never shut down, like `HTTPClient.shared`, but with
/// settings for object storage: connect and read timeouts, no redirects, no decompression,
/// and enough pooled connections per host for parallel transfers.
public enum AWSHTTP {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(50), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        // A refused connection fails at once; AWSClient retries with its own backoff and gives up
        // after its attempts, instead of the pool retrying until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
