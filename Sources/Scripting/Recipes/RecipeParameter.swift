import Foundation
public import LuaKit
import RenderPlan

/// One declared recipe parameter: `{ name = "percent", type = "int", default = 25, required = false,
/// help = "resolution percentage" }`. On the command line it is `--percent 50` (`--name=value`;
/// booleans also `--flag` / `--no-flag`; `_` may be written `-`).
public struct RecipeParameter: Sendable, Equatable, Codable {
    /// The value types a parameter can have.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case string, int, number, bool
        /// A local path (made absolute) or a store URL (`s3://bucket/key`, `file:///...`).
        case path
        /// An OpenJD frame set such as `1-100`, `1-250:2,300` (passed to the recipe as text).
        case frames
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: LuaValue
    public var required: Bool
    public var help: String

    public init(name: String, kind: Kind, defaultValue: LuaValue = .nil, required: Bool = false, help: String = "") {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.help = help
    }

    /// From a declaration table; `position` prefixes messages.
    init(name: String, spec: [String: LuaValue], at position: String) throws {
        func bad(_ message: String) -> RecipeError { .badDeclaration("\(position): recipe parameter '\(name)' \(message)") }
        guard Self.isValidName(name) else { throw bad("has an invalid name (use letters, digits and _)") }
        let known: Set = ["name", "type", "default", "required", "help"]
        if let unknown = spec.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("has an unknown field '\(unknown)' (expected type, default, required, help)")
        }
        self.name = name
        let typeName = spec["type"]?.stringValue ?? "string"
        guard let kind = Kind(rawValue: typeName == "url" ? "path" : typeName == "integer" ? "int" : typeName) else {
            throw bad("has unknown type '\(typeName)' (use \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.kind = kind
        switch spec["required"] ?? .nil {
        case .nil: required = false
        case .boolean(let b): required = b
        default: throw bad("required must be true or false")
        }
        help = spec["help"]?.stringValue ?? ""
        let raw = spec["default"] ?? .nil
        defaultValue = .nil
        if !raw.isNil {
            do { defaultValue = try coerce(raw) } catch let RecipeError.badParameter(m) { throw bad("default: \(m)") }
        }
    }

    static func isValidName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The command-line spelling: `--output-dir`.
    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// How the type reads in help: `<int>`.
    public var placeholder: String {
        switch kind {
        case .string: "<text>"
        case .int: "<int>"
        case .number: "<number>"
        case .bool: ""
        case .path: "<path|url>"
        case .frames: "<frames>"
        }
    }

    /// Parse a command-line word into this parameter's Lua value.
    public func parse(_ text: String) throws -> LuaValue {
        func bad(_ expected: String) -> RecipeError { .badParameter("\(flag) expects \(expected), got '\(text)'") }
        switch kind {
        case .string: return .string(text)
        case .int:
            guard let i = Int(text.trimmingCharacters(in: .whitespaces)) else { throw bad("an integer") }
            return .integer(i)
        case .number:
            guard let d = Double(text.trimmingCharacters(in: .whitespaces)), d.isFinite else { throw bad("a number") }
            return .number(d)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .boolean(true)
            case "false", "no", "off", "0": return .boolean(false)
            default: throw bad("true or false")
            }
        case .path:
            guard !text.isEmpty else { throw bad("a path or URL") }
            if text.contains("://") { return .string(text) }
            let absolute = text.hasPrefix("/") ? text : FileManager.default.currentDirectoryPath + "/" + text
            return .string((absolute as NSString).standardizingPath)
        case .frames:
            // One grammar for every frame set: what `blendbatch render --frames` takes, `a..b` included.
            do { _ = try FrameSet(parsing: text) } catch { throw RecipeError.badParameter("\(flag): \(error)") }
            return .string(String(text.filter { !$0.isWhitespace }))
        }
    }

    /// Check a Lua value (a default, or a value passed from the REPL) against this parameter's type.
    public func coerce(_ value: LuaValue) throws -> LuaValue {
        switch (kind, value) {
        case (.string, .string), (.bool, .boolean), (.int, .integer), (.number, .number): return value
        case (.number, .integer(let i)): return .number(Double(i))
        case (.int, .number(let d)) where d.rounded() == d: return .integer(Int(d))
        case (.path, .string(let s)), (.frames, .string(let s)): return try parse(s)
        case (.frames, .integer(let i)): return .string(String(i))
        default:
            throw RecipeError.badParameter("'\(name)' must be \(kind == .int ? "an int" : "a \(kind.rawValue)"), got \(value.typeName)")
        }
    }
}
