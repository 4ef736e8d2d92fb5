import Foundation

/// The environment AWS settings are read from: variables and the home folder.
/// Tests pass their own instead of touching the process environment.
public struct AWSEnvironment: Sendable {
    public var variables: [String: String]
    public var homeDirectory: String

    public init(variables: [String: String], homeDirectory: String? = nil) {
        self.variables = variables
        self.homeDirectory = homeDirectory ?? variables["HOME"] ?? NSHomeDirectory()
    }

    /// This process's environment.
    public static var process: AWSEnvironment {
        AWSEnvironment(variables: ProcessInfo.processInfo.environment)
    }

    /// A variable's value; empty counts as unset, as in the AWS CLI.
    public subscript(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `AWS_PROFILE` (or the legacy `AWS_DEFAULT_PROFILE`), else `default`.
    public var profileName: String { self["AWS_PROFILE"] ?? self["AWS_DEFAULT_PROFILE"] ?? "default" }
    /// True when the user named a profile explicitly (a missing one is then an error).
    public var profileIsExplicit: Bool { self["AWS_PROFILE"] != nil || self["AWS_DEFAULT_PROFILE"] != nil }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public var credentialsFilePath: String {
        expandTilde(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    public var configFilePath: String {
        expandTilde(self["AWS_CONFIG_FILE"] ?? "~/.aws/config")
    }

    func expandTilde(_ path: String) -> String {
        path.hasPrefix("~/") ? homeDirectory + path.dropFirst(1) : path
    }

    /// The selected profile, merged from the config file and then the credentials file
    /// (the credentials file wins for keys in both, as in the AWS CLI).
    public func profile() -> AWSProfile {
        let name = profileName
        let config = AWSConfigFile(path: configFilePath, isCredentialsFile: false)
        let credentials = AWSConfigFile(path: credentialsFilePath, isCredentialsFile: true)
        var values = config?.sections[name] ?? [:]
        for (key, value) in credentials?.sections[name] ?? [:] { values[key] = value }
        let found = config?.sections[name] != nil || credentials?.sections[name] != nil
        return AWSProfile(name: name, values: values, exists: found)
    }
}

/// One named profile's settings (`region`, `aws_access_key_id`, `endpoint_url`, `s3.addressing_style`, ...).
public struct AWSProfile: Sendable, Equatable {
    public var name: String
    public var values: [String: String]
    public var exists: Bool

    public subscript(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }
}

/// An AWS shared config or credentials file (INI).
///
/// Sections are `[name]` in the credentials file and `[profile name]` (or `[default]`) in the
/// config file. Indented lines under `key =` are sub-settings, stored as `key.sub`.
struct AWSConfigFile {
    var sections: [String: [String: String]] = [:]

    init?(path: String, isCredentialsFile: Bool) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        self.init(text: text, isCredentialsFile: isCredentialsFile)
    }

    init(text: String, isCredentialsFile: Bool) {
        var current: String?
        var parent: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let indented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                parent = nil
                if isCredentialsFile {
                    current = name
                } else if name == "default" {
                    current = "default"
                } else if name.hasPrefix("profile ") {
                    current = name.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
                } else {
                    current = nil  // sso-session, services: not profiles
                }
                if let current, sections[current] == nil { sections[current] = [:] }
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") ?? value.range(of: " ;") { value = String(value[..<comment.lowerBound]) }
            if indented, let parent {
                sections[section]?["\(parent).\(key)"] = value
            } else if value.isEmpty {
                parent = key
            } else {
                parent = nil
                sections[section]?[key] = value
            }
        }
    }
}
