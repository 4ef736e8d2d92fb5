import Foundation
import ProcessSpawn

/// `credential_process` in the selected profile: a helper (aws-vault, an SSO wrapper, a studio
/// script) that prints `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …,
/// "Expiration": …}` on stdout, run as the AWS CLI runs it: split into words like a shell would
/// (quotes honoured), no shell, our environment, stopped after `timeout` seconds.
///
/// Errors name the profile and never contain the helper's stdout (it holds the secrets).
public struct ProcessCredentialProvider: AWSCredentialProvider {
    public let environment: AWSEnvironment
    /// Seconds the helper may take before it is killed.
    public let timeout: TimeInterval

    public init(environment: AWSEnvironment = .process, timeout: TimeInterval = 60) {
        self.environment = environment
        self.timeout = timeout
    }

    public func credentials() async throws -> AWSCredentials {
        let profile = environment.profile()
        guard let command = profile["credential_process"] else {
            throw AWSClientError.noCredentials("profile '\(profile.name)' has no credential_process")
        }
        let source = "credential_process of profile '\(profile.name)'"
        func failure(_ reason: String) -> AWSClientError { .credentialsUnavailable(source, reason: reason) }

        let words: [String]
        do {
            words = try CommandLineWords.split(command)
        } catch {
            throw failure("cannot split the command: \(error)")
        }
        guard let program = words.first, !program.isEmpty else { throw failure("the command is empty") }
        let output: CompletedRun
        do {
            output = try await HelperProcess.run(words, environment: environment.variables, timeout: timeout)
        } catch ProcessSpawn.RunFailure.cannotStart(let reason) {
            throw failure("cannot run \(program): \(reason)")
        } catch {
            throw failure("\(program) did not finish within \(Self.seconds(timeout)) s and was stopped")
        }
        if let signal = output.signal { throw failure("\(program) was killed by signal \(signal)") }
        if output.exitCode != 0 {
            let message = String(decoding: output.stderr, as: UTF8.self)
                .split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)) } ?? "(nothing on stderr)"
            throw failure("\(program) exited with code \(output.exitCode ?? -1): \(message)")
        }
        do {
            return try Self.parse(output.stdout, source: "credential_process (profile \(profile.name))")
        } catch let reason as ParseFailure {
            throw failure("\(program) \(reason.text)")
        }
    }

    struct ParseFailure: Error {
        var text: String
    }

    /// Read the helper's JSON; `now` decides whether an `Expiration` is already past.
    static func parse(_ stdout: Data, source: String, now: Date = Date()) throws -> AWSCredentials {
        guard let object = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] else {
            throw ParseFailure(text: "printed no JSON object on stdout (\(stdout.count) bytes)")
        }
        guard let version = object["Version"] as? Int, version == 1 else {
            let got = object["Version"].map { "\($0)" } ?? "none"
            throw ParseFailure(text: "printed Version \(got); only Version 1 is supported")
        }
        func text(_ key: String) -> String? { (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        let missing = ["AccessKeyId", "SecretAccessKey"].filter { text($0) == nil }
        guard missing.isEmpty, let id = text("AccessKeyId"), let secret = text("SecretAccessKey") else {
            throw ParseFailure(text: "printed JSON without \(missing.joined(separator: " and "))")
        }
        var expiration: Date?
        if let value = object["Expiration"], !(value is NSNull) {
            guard let string = value as? String, let date = parseISO8601(string) else {
                throw ParseFailure(text: "printed an Expiration that is not an ISO 8601 time: \(String("\(value)".prefix(64)))")
            }
            guard date > now else { throw ParseFailure(text: "printed credentials that already expired (\(string))") }
            expiration = date
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: text("SessionToken"),
                              expiration: expiration, source: source)
    }

    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
