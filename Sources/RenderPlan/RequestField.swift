import Foundation

/// A value given for a ``RequestField``, from the command line, a recipe parameter or a Lua table.
public enum RequestValue: Sendable, Equatable, CustomStringConvertible {
    case string(String), int(Int), number(Double), bool(Bool)

    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .int(let i): String(i)
        case .number(let d): String(d)
        case .bool(let b): String(b)
        }
    }
}

/// What an option is, for people and parsers: its name (`snake_case`, as Lua and recipes spell it;
/// `--kebab-case` on the command line), value type, default and help.
public struct FieldSpec: Sendable, Equatable {
    /// The value types, as recipe parameters name them.
    public enum Kind: String, Sendable { case string, int, number, bool, path, frames }

    public let name: String
    public let kind: Kind
    public let help: String
    /// The value when not given, for help (nil: decided when planning).
    public let defaultValue: RequestValue?
    public let required: Bool

    /// The command-line spelling: `--chunk-time`.
    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }
}

/// One option of a settings type (`Target`), declared once: its ``FieldSpec`` and how a value is
/// stored. The CLI, the `render` recipe's parameters and `render.submit{}` all read these.
public struct RequestField<Target>: Sendable {
    public typealias Kind = FieldSpec.Kind
    public let spec: FieldSpec
    private let store: @Sendable (inout Target, RequestValue) throws(FieldProblem) -> Void

    public init(_ name: String, _ kind: Kind, default defaultValue: RequestValue? = nil, required: Bool = false, help: String,
         store: @escaping @Sendable (inout Target, RequestValue) throws(FieldProblem) -> Void) {
        spec = FieldSpec(name: name, kind: kind, help: help, defaultValue: defaultValue, required: required)
        self.store = store
    }

    public var name: String { spec.name }

    /// Store `value` in `target`; a value of the wrong type or out of the field's set is a problem
    /// naming the field.
    public func set(_ value: RequestValue, in target: inout Target) throws(FieldProblem) {
        try store(&target, value)
    }

    /// Set every field `values` names (names no field has are left alone).
    public static func apply(_ values: [String: RequestValue], to target: inout Target, fields: [RequestField]) throws(FieldProblem) {
        for field in fields {
            if let value = values[field.name] { try field.set(value, in: &target) }
        }
    }
}

/// A value a field cannot take: one line naming the field and what it takes.
public struct FieldProblem: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension RequestField {
    /// A text field (`kind` string, path or frames); numbers are taken as their text (`frames = 5`).
    public static func text(_ name: String, _ path: WritableKeyPath<Target, String?> & Sendable, kind: Kind = .string,
                     required: Bool = false, help: String) -> RequestField {
        RequestField(name, kind, required: required, help: help) { target, value throws(FieldProblem) in
            switch value {
            case .string(let s): target[keyPath: path] = s
            case .int(let i): target[keyPath: path] = String(i)
            default: throw FieldProblem("\(name): expected text, got \(value)")
            }
        }
    }

    public static func integer(_ name: String, _ path: WritableKeyPath<Target, Int?> & Sendable, help: String) -> RequestField {
        RequestField(name, .int, help: help) { target, value throws(FieldProblem) in
            switch value {
            case .int(let i): target[keyPath: path] = i
            case .number(let d) where d.rounded() == d && abs(d) < 1e15: target[keyPath: path] = Int(d)
            default: throw FieldProblem("\(name): expected a whole number, got \(value)")
            }
        }
    }

    /// A yes/no field that is always set (`default` when not given).
    public static func flag(_ name: String, _ path: WritableKeyPath<Target, Bool> & Sendable, default defaultValue: Bool,
                     help: String) -> RequestField {
        RequestField(name, .bool, default: .bool(defaultValue), help: help) { target, value throws(FieldProblem) in
            target[keyPath: path] = try value.flag(name)
        }
    }

    /// A yes/no field whose absence means "the scene's own".
    public static func optionalFlag(_ name: String, _ path: WritableKeyPath<Target, Bool?> & Sendable, help: String) -> RequestField {
        RequestField(name, .bool, help: help) { target, value throws(FieldProblem) in
            target[keyPath: path] = try value.flag(name)
        }
    }

    /// A duration (`90`, `60s`, `2m`, `1h`) stored in seconds.
    public static func duration(_ name: String, _ path: WritableKeyPath<Target, Double?> & Sendable, help: String) -> RequestField {
        RequestField(name, .string, help: help) { target, value throws(FieldProblem) in
            switch value {
            case .int(let i) where i > 0: target[keyPath: path] = Double(i)
            case .number(let d) where d > 0: target[keyPath: path] = d
            case .string(let s):
                guard let seconds = Chunking.parseDuration(s) else { throw FieldProblem("\(name) '\(s)': use e.g. 60s, 2m, 1h") }
                target[keyPath: path] = seconds
            default: throw FieldProblem("\(name) \(value): use a duration such as 60s, 2m, 1h")
            }
        }
    }
}

extension RequestValue {
    /// true/false, or the words on/off, yes/no, true/false.
    func flag(_ name: String) throws(FieldProblem) -> Bool {
        switch self {
        case .bool(let b): return b
        case .string(let s):
            switch s.lowercased() {
            case "on", "yes", "true", "1": return true
            case "off", "no", "false", "0": return false
            default: break
            }
        default: break
        }
        throw FieldProblem("\(name): use true or false (on or off), not \(self)")
    }
}
