import AWSCore
import Foundation
import Testing
import ObjectStore

/// The moto URL, failing the test when it is missing.
public func requireMoto() throws -> String {
    try #require(motoURL, "BLENDBATCH_MOTO_URL is not set; start moto with scripts/moto start")
}

/// An AWS client for `endpoint` (moto, a fault proxy, a loopback stand-in) with fixed test credentials.
public func testClient(_ endpoint: String, accessKey: String = "testing", secret: String = "testing",
                attempts: Int = 5, baseDelay: Double = 0.05) -> AWSClient {
    var configuration = AWSConfiguration(
        region: "us-east-1",
        credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: accessKey, secretAccessKey: secret)),
        environment: AWSEnvironment(variables: ["AWS_ENDPOINT_URL": endpoint], homeDirectory: "/nonexistent"))
    configuration.retry = RetryPolicy(maxAttempts: attempts, baseDelay: baseDelay, maxDelay: 0.5)
    return AWSClient(configuration: configuration)
}

/// A fresh bucket with a unique name.
public func makeBucket(_ client: AWSClient, prefix: String = "bb-test") async throws -> String {
    let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: name))
    return name
}

/// Multipart uploads still open in `bucket` (none should remain after an upload, good or failed).
public func openUploads(_ client: AWSClient, bucket: String) async throws -> Int {
    let response = try await client.send(AWSRequest(service: .s3, method: "GET", path: "/", query: ["uploads": ""], bucket: bucket))
    return String(decoding: response.body, as: UTF8.self).components(separatedBy: "<Upload>").count - 1
}

/// `count` pseudo-random bytes (fast: a repeated random block with the index mixed in).
public func randomData(_ count: Int) -> Data {
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        var state = UInt64.random(in: 1...UInt64.max)
        for i in 0..<words.count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            words[i] = state
        }
        for i in (words.count * 8)..<count { raw[i] = UInt8.random(in: 0...255) }
    }
    return data
}

/// Every file below `folder` (relative paths), hidden temp files included.
public func filesBelow(_ folder: String) -> [String] {
    (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &isDirectory)
        return !isDirectory.boolValue
    }.sorted()
}

/// A `moto_server` of our own, for tests that change server-wide settings (signature checking).
public final class PrivateMoto: @unchecked Sendable {  // immutable after init
    public let url: String
    private let process: Process

    public init(environment extra: [String: String]) throws {
        let binary = repositoryRoot.path + "/.venv-moto/bin/moto_server"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StoreError.io(binary, reason: "moto_server not found; run scripts/setup")
        }
        let port = Int.random(in: 20000...29999)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if let probe = URL(string: url + "/moto-api/config"), (try? Data(contentsOf: probe)) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(process.processIdentifier, SIGKILL)
        throw StoreError.unreachable(url, reason: "private moto did not start")
    }

    /// SIGKILL: the child inherits the test runner's blocked-signal mask, so SIGTERM would stay
    /// pending forever; moto keeps nothing worth a clean shutdown.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
