import Foundation

/// Text with `${NAME}` references to environment variables (webhook URLs, tokens): `value` has them
/// filled in and goes on the wire; `shown` keeps `${NAME}` and is all that messages ever print.
public struct SecretText: Sendable, Equatable {
    public let value: String
    public let shown: String
    /// The values filled in, for taking them out of anything a server sends back.
    let secrets: [(name: String, value: String)]

    public static func == (a: SecretText, b: SecretText) -> Bool { a.value == b.value && a.shown == b.shown }

    /// A reference that cannot be filled in: the variable is unset, or not one this caller may read.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Fill in `${NAME}` from `environment`; `mayRead(NAME)` says which variables may be used.
    public init(_ text: String, environment: [String: String], mayRead: (String) -> Bool) throws(Problem) {
        var value = "", rest = Substring(text), secrets: [(String, String)] = []
        while let start = rest.range(of: "${") {
            value += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw Problem(description: "'${' without a closing '}'; write ${NAME} to use the environment variable NAME")
            }
            let name = String(rest[start.upperBound..<end])
            guard mayRead(name) else {
                throw Problem(description: "${\(name)}: a sandboxed recipe may use only variables named BLENDBATCH_NOTIFY_…; "
                              + "put the secret in one of those, or run with --trust")
            }
            guard let secret = environment[name], !secret.isEmpty else {
                throw Problem(description: "${\(name)} is not set; export \(name) with the webhook's secret")
            }
            value += secret
            secrets.append((name, secret))
            rest = rest[rest.index(after: end)...]
        }
        value += rest
        self.value = value
        self.secrets = secrets
        var shown = value
        for (name, secret) in secrets { shown = shown.replacingOccurrences(of: secret, with: "${\(name)}") }
        self.shown = shown
    }

    /// `text` with every secret filled in here replaced by its `${NAME}`.
    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1.value, with: "${\($1.name)}") }
    }
}
