import Foundation
import Testing

/// Credentials never reach any output, whatever the log level (issue #7, "Security").
@Suite("secrets stay out of output", .serialized)
struct SecretsInOutputTests {
    static let secret = "BBTESTSECRETdoNotPrint0123456789abcdefXYZ"
    static let token = "BBTESTTOKENdoNotPrint9876543210"

    /// Run the binary with a recognisable fake key; its stdout and stderr together.
    func run(_ arguments: [String], env extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let folder = NSTemporaryDirectory() + "bb-secrets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var env = ["PATH": "/usr/bin:/bin", "HOME": folder, "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_ACCESS_KEY_ID": "AKIABBTESTKEY0000000", "AWS_SECRET_ACCESS_KEY": Self.secret,
                   "AWS_SESSION_TOKEN": Self.token, "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"]
        // moto when the harness runs one; otherwise a closed loopback port (the request still gets signed).
        env["AWS_ENDPOINT_URL"] = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"] ?? "http://127.0.0.1:9"
        let result = try CLIRunner.run(arguments, environment: env.merging(extra) { $1 }, inherit: false)
        return (result.status, result.output)
    }

    @Test("trace-level logs of S3 calls, failing and succeeding, never show the secret key or session token",
          arguments: [["store", "ls", "s3://bb-no-such-bucket-secrets/"], ["store", "cat", "s3://bb-no-such-bucket-secrets/x"],
                      ["info", "s3://bb-no-such-bucket-secrets/shot.blend"]])
    func traceKeepsSecrets(_ command: [String]) throws {
        let result = try run(["--log-level", "trace"] + command)
        #expect(result.status != 0)
        #expect(!result.output.isEmpty)
        #expect(!result.output.contains(Self.secret))
        #expect(!result.output.contains(Self.token))
    }

    /// What a `credential_process` helper prints, by name (the names keep the secret out of test output).
    static let helperOutputs = [
        "valid": #"{"Version": 1, "AccessKeyId": "AKIABBTESTKEY0000001", "SecretAccessKey": "\#(secret)", "SessionToken": "\#(token)"}"#,
        "Version 2": #"{"Version": 2, "AccessKeyId": "AKIABBTESTKEY0000001", "SecretAccessKey": "\#(secret)", "SessionToken": "\#(token)"}"#,
        "not JSON": #"AccessKeyId \#(secret) \#(token)"#,
    ]

    @Test("trace-level logs with keys from a credential_process helper, working or printing bad output, never show them",
          arguments: ["valid", "Version 2", "not JSON"])
    func traceKeepsHelperSecrets(_ kind: String) throws {
        let helperOutput = try #require(Self.helperOutputs[kind])
        let folder = NSTemporaryDirectory() + "bb-secrets-helper-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "#!/bin/sh\necho '\(helperOutput)'\n".write(toFile: folder + "/helper", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/helper")
        try "[default]\ncredential_process = \(folder)/helper\n".write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let result = try run(["--log-level", "trace", "store", "ls", "s3://bb-no-such-bucket-secrets/"],
                             env: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
                                   "AWS_CONFIG_FILE": folder + "/config"])
        #expect(result.status != 0)
        #expect(!result.output.isEmpty)
        #expect(!result.output.contains(Self.secret))
        #expect(!result.output.contains(Self.token))
    }
}
