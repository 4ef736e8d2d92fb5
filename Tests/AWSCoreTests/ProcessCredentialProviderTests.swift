import Foundation
import Testing
@testable import AWSCore

/// A temp folder with real helper scripts and an `AWS_CONFIG_FILE` whose profile runs one.
struct CredentialHelperFixture {
    let folder: String
    var configPath: String { folder + "/config" }
    var countPath: String { folder + "/count" }

    init() throws { folder = try makeTempDirectory() }

    /// Write an executable `/bin/sh` script; returns its path.
    @discardableResult
    func script(_ name: String, _ body: String, mode: Int = 0o755) throws -> String {
        let path = folder + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// A helper that counts its runs in `count` and prints `json` (`$n` is the run number).
    @discardableResult
    func countingScript(_ name: String = "helper.sh", json: String) throws -> String {
        try script(name, """
            n=$(( $(cat '\(countPath)' 2>/dev/null || echo 0) + 1 )); echo $n > '\(countPath)'
            cat <<JSON
            \(json)
            JSON
            """)
    }

    /// A counting helper printing `json`, run by profile `studio`.
    func countingProfile(json: String) throws {
        try config("credential_process = \(try countingScript(json: json))")
    }

    /// A counting helper whose credentials (`AKIDPROC<run>`) expire `seconds` from now, run by profile `studio`.
    func expiringProfile(in seconds: TimeInterval) throws {
        try countingProfile(json: #"{"Version": 1, "AccessKeyId": "AKIDPROC$n", "SecretAccessKey": "s", "Expiration": "\#(isoTime(seconds))"}"#)
    }

    /// How many times the counting helper ran.
    var runs: Int { (try? String(contentsOfFile: countPath, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0 }

    /// Write the config file: `[profile name]` with `lines`.
    func config(profile: String = "studio", _ lines: String...) throws {
        try config(profile: profile, lines: lines)
    }

    func config(profile: String = "studio", lines: [String]) throws {
        try "[profile \(profile)]\n\(lines.joined(separator: "\n"))\n".write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func environment(profile: String = "studio", _ extra: [String: String] = [:]) -> AWSEnvironment {
        AWSEnvironment(variables: ["AWS_CONFIG_FILE": configPath, "AWS_SHARED_CREDENTIALS_FILE": folder + "/no-credentials",
                                   "AWS_PROFILE": profile, "AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin"]
                                   .merging(extra) { $1 }, homeDirectory: folder)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// `2026-12-01T12:00:00Z` for `seconds` from now.
func isoTime(_ seconds: TimeInterval) -> String {
    ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
}

@Suite("credential_process")
struct ProcessCredentialProviderTests {
    static let secret = "procSECRETdoNotPrint0123456789"
    static let token = "procTOKENdoNotPrint9876543210"

    @Test("a helper's keys, session token and expiry become the profile's credentials")
    func withSessionToken() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let expiry = isoTime(3600)
        let helper = try fixture.countingScript(json: """
            {"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "\(Self.secret)", "SessionToken": "\(Self.token)", "Expiration": "\(expiry)"}
            """)
        try fixture.config("credential_process = \(helper)", "region = eu-west-1")
        let credentials = try await CredentialChain.default(environment: fixture.environment()).credentials()
        #expect(credentials.accessKeyId == "AKIDPROC")
        #expect(credentials.secretAccessKey == Self.secret)
        #expect(credentials.sessionToken == Self.token)
        #expect(credentials.expiration.map { ISO8601DateFormatter().string(from: $0) } == expiry)
        #expect(credentials.source == "credential_process (profile studio)")
        #expect(!"\(credentials)".contains(Self.secret) && !"\(credentials)".contains(Self.token))
    }

    @Test("without SessionToken or Expiration: long-term keys, run once for the process lifetime")
    func withoutSessionToken() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        try fixture.countingProfile(json: #"{"Version": 1, "AccessKeyId": "AKIDPROC$n", "SecretAccessKey": "s"}"#)
        let configuration = AWSConfiguration.resolve(environment: fixture.environment())
        let first = try await configuration.credentials.credentials()
        let second = try await configuration.credentials.credentials()
        #expect(first.accessKeyId == "AKIDPROC1" && second.accessKeyId == "AKIDPROC1")
        #expect(first.sessionToken == nil && first.expiration == nil)
        #expect(fixture.runs == 1)
    }

    @Test("the helper's keys sign requests: credential scope, security token and signature")
    func reachesSigner() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let helper = try fixture.countingScript(json: """
            {"Version": 1, "AccessKeyId": "AKIDPROCSIGN", "SecretAccessKey": "\(Self.secret)", "SessionToken": "\(Self.token)"}
            """)
        try fixture.config("credential_process = \(helper)")
        let configuration = AWSConfiguration.resolve(environment: fixture.environment(["AWS_REGION": "eu-central-1"]))
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        func sign(_ credentials: AWSCredentials) -> [String: String] {
            let headers = SigV4Signer(credentials: credentials, region: configuration.region, service: "s3")
                .signHeaders(method: "GET", path: "/bucket/key", query: [], headers: [("host", "s3.eu-central-1.amazonaws.com")],
                             payloadHash: SigV4Signer.emptyPayloadHash, date: date)
            return Dictionary(headers.map { ($0.0.lowercased(), $0.1) }) { $1 }
        }
        let signed = sign(try await configuration.credentials.credentials())
        let authorization = try #require(signed["authorization"])
        #expect(authorization.contains("Credential=AKIDPROCSIGN/20231114/eu-central-1/s3/aws4_request"))
        #expect(signed["x-amz-security-token"] == Self.token)
        // Same signature as the same keys given directly: the secret reached the signer.
        let direct = sign(AWSCredentials(accessKeyId: "AKIDPROCSIGN", secretAccessKey: Self.secret, sessionToken: Self.token))
        #expect(direct["authorization"] == authorization)
        let other = sign(AWSCredentials(accessKeyId: "AKIDPROCSIGN", secretAccessKey: "another", sessionToken: Self.token))
        #expect(other["authorization"] != authorization)
    }

    @Test("credentials expiring in 2 minutes (inside the 5-minute margin) make the helper run again")
    func refreshInsideMargin() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        try fixture.expiringProfile(in: 120)
        let provider = RefreshingCredentialProvider(ProfileCredentialProvider(environment: fixture.environment()))
        #expect(try await provider.credentials().accessKeyId == "AKIDPROC1")
        #expect(try await provider.credentials().accessKeyId == "AKIDPROC2")
        #expect(fixture.runs == 2)
    }

    /// A clock tests move by hand.
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var offset: TimeInterval = 0
        func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
        func now() -> Date { lock.withLock { Date().addingTimeInterval(offset) } }
    }

    @Test("credentials good for 10 minutes are cached, and fetched again once the clock enters the refresh window")
    func refreshAfterWindow() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        try fixture.expiringProfile(in: 600)
        let clock = TestClock()
        let provider = RefreshingCredentialProvider(ProfileCredentialProvider(environment: fixture.environment()),
                                                    refreshMargin: 300, now: { clock.now() })
        #expect(try await provider.credentials().accessKeyId == "AKIDPROC1")
        clock.advance(240)  // 6 minutes left: still outside the margin
        #expect(try await provider.credentials().accessKeyId == "AKIDPROC1")
        #expect(fixture.runs == 1)
        clock.advance(120)  // 4 minutes left: refresh
        #expect(try await provider.credentials().accessKeyId == "AKIDPROC2")
        #expect(fixture.runs == 2)
    }

    @Test("the command line is split like a shell splits it: double and single quotes, backslashes, empty words")
    func quoting() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let argsPath = fixture.folder + "/args"
        let helper = try fixture.script("my helper.sh", """
            for a in "$@"; do printf '%s|\\n' "$a"; done > '\(argsPath)'
            echo '{"Version": 1, "AccessKeyId": "AKIDQUOTED", "SecretAccessKey": "s"}'
            """)
        try fixture.config(#"credential_process = "\#(helper)" --profile "two words" 'single "quoted"' plain\ escaped "say \"hi\"" "" last"#)
        let credentials = try await ProcessCredentialProvider(environment: fixture.environment()).credentials()
        #expect(credentials.accessKeyId == "AKIDQUOTED")
        let args = try String(contentsOfFile: argsPath, encoding: .utf8).split(separator: "\n").map { String($0.dropLast()) }
        #expect(args == ["--profile", "two words", #"single "quoted""#, "plain escaped", #"say "hi""#, "", "last"])
    }

    @Test("command lines that cannot be split")
    func splitErrors() throws {
        #expect(try CommandLineWords.split("  a  b\t'c d'e ") == ["a", "b", "c de"])
        #expect(try CommandLineWords.split(#"a "b\c" 'x\y'"#) == ["a", #"b\c"#, #"x\y"#])
        #expect(throws: CommandLineWords.SyntaxError.self) { try CommandLineWords.split(#"helper "open"#) }
        #expect(throws: CommandLineWords.SyntaxError.self) { try CommandLineWords.split("helper 'open") }
        #expect(throws: CommandLineWords.SyntaxError.self) { try CommandLineWords.split(#"helper \"#) }
    }

    /// A helper that goes wrong, and the words its one-line error must contain.
    struct BadHelper: Sendable, CustomStringConvertible {
        var description: String
        /// Script body; nil to use `command` as the credential_process line verbatim.
        var script: String?
        var command: String?
        var expected: [String]
        var mode: Int = 0o755
    }

    static let badHelpers: [BadHelper] = [
        BadHelper(description: "no such program", command: "/nonexistent/bb-helper --flag",
                  expected: ["cannot run /nonexistent/bb-helper", "No such file or directory"]),
        BadHelper(description: "not executable", script: "echo hi", expected: ["cannot run", "Permission denied"], mode: 0o644),
        BadHelper(description: "empty command", command: #""""#, expected: ["the command is empty"]),
        BadHelper(description: "unterminated quote", command: #"/bin/echo "oops"#, expected: ["cannot split the command", "no closing"]),
        BadHelper(description: "exits non-zero", script: "echo 'SSO session expired; run: studio-login' >&2; echo second line >&2; echo '{\"SecretAccessKey\": \"\(secret)\"}'; exit 3",
                  expected: ["exited with code 3: SSO session expired; run: studio-login"]),
        BadHelper(description: "killed by a signal", script: "kill -9 $$", expected: ["killed by signal 9"]),
        BadHelper(description: "not JSON", script: "echo 'AccessKeyId=AKID \(secret)'", expected: ["printed no JSON object on stdout"]),
        BadHelper(description: "JSON without the keys", script: #"echo '{"Version": 1, "AccessKeyId": "AKID", "Token": "\#(token)"}'"#,
                  expected: ["printed JSON without SecretAccessKey"]),
        BadHelper(description: "Version 2", script: #"echo '{"Version": 2, "AccessKeyId": "AKID", "SecretAccessKey": "\#(secret)"}'"#,
                  expected: ["printed Version 2; only Version 1 is supported"]),
        BadHelper(description: "no Version", script: #"echo '{"AccessKeyId": "AKID", "SecretAccessKey": "\#(secret)"}'"#,
                  expected: ["printed Version none"]),
        BadHelper(description: "unparsable Expiration", script: #"echo '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "\#(secret)", "Expiration": "next tuesday"}'"#,
                  expected: ["not an ISO 8601 time: next tuesday"]),
        BadHelper(description: "Expiration already past", script: #"echo '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "\#(secret)", "SessionToken": "\#(token)", "Expiration": "2020-01-01T00:00:00Z"}'"#,
                  expected: ["already expired (2020-01-01T00:00:00Z)"]),
    ]

    @Test("bad helpers give one line naming the profile, without the secret", arguments: badHelpers)
    func badHelper(_ bad: BadHelper) async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let command = try bad.command ?? fixture.script("helper.sh", bad.script ?? "", mode: bad.mode)
        try fixture.config("credential_process = \(command)")
        do {
            _ = try await CredentialChain.default(environment: fixture.environment()).credentials()
            Issue.record("expected an error")
        } catch let error as AWSClientError {
            #expect(error.isCredentialsUnavailable, "\(error)")
            #expect(error.message.hasPrefix("cannot get AWS credentials from credential_process of profile 'studio': "))
            for fragment in bad.expected { #expect(error.message.contains(fragment), "\(error.message)") }
            #expect(!error.message.contains("\n"))
            #expect(!error.message.contains(Self.secret) && !error.message.contains(Self.token))
        }
    }

    @Test("a helper that hangs is killed after the timeout, with a clear message")
    func hangingHelper() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let pidPath = fixture.folder + "/pid"
        let helper = try fixture.script("hang.sh", "echo $$ > '\(pidPath)'; exec sleep 60")
        try fixture.config("credential_process = \(helper)")
        do {
            _ = try await ProcessCredentialProvider(environment: fixture.environment(), timeout: 1).credentials()
            Issue.record("expected a timeout")
        } catch let error as AWSClientError {
            #expect(error.isCredentialsUnavailable)
            #expect(error.message.contains("\(helper) did not finish within 1 s and was stopped"), "\(error.message)")
        }
        let pid = try #require(Int32(String(contentsOfFile: pidPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    /// A source that outranks a credential_process profile: keys beside it in the profile, or in the environment.
    struct Rival: Sendable, CustomStringConvertible {
        var description: String
        var profileLines: [String] = []
        var environment: [String: String] = [:]
        var winner: String
        var source: String
    }

    static let rivals = [
        Rival(description: "static keys in the same profile", profileLines: ["aws_access_key_id = AKIDSTATIC", "aws_secret_access_key = static-secret"],
              winner: "AKIDSTATIC", source: "profile studio"),
        Rival(description: "AWS_ACCESS_KEY_ID in the environment", environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"],
              winner: "AKIDENV", source: "environment"),
    ]

    @Test("precedence: these win over credential_process, and the helper does not run", arguments: rivals)
    func precedence(_ rival: Rival) async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let helper = try fixture.countingScript(json: #"{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s"}"#)
        try fixture.config(lines: rival.profileLines + ["credential_process = \(helper)"])
        let credentials = try await CredentialChain.default(environment: fixture.environment(rival.environment)).credentials()
        #expect(credentials.accessKeyId == rival.winner)
        #expect(credentials.source == rival.source)
        #expect(fixture.runs == 0)
    }

    @Test("credential_process in ~/.aws/credentials works too")
    func inCredentialsFile() async throws {
        let fixture = try CredentialHelperFixture()
        defer { fixture.remove() }
        let helper = try fixture.countingScript(json: #"{"Version": 1, "AccessKeyId": "AKIDCREDFILE", "SecretAccessKey": "s"}"#)
        try "[studio]\ncredential_process = \(helper)\n".write(toFile: fixture.folder + "/credentials", atomically: true, encoding: .utf8)
        let env = fixture.environment(["AWS_SHARED_CREDENTIALS_FILE": fixture.folder + "/credentials"])
        #expect(try await CredentialChain.default(environment: env).credentials().accessKeyId == "AKIDCREDFILE")
    }
}
