/// A Lua value copied out of (or into) a Lua state: nil, booleans, integers, floats, strings and
/// tables, nested. Functions, userdata and threads are carried as `.opaque(typeName)` when read and
/// cannot be pushed.
///
/// Tables read from Lua become `.array` when their keys are exactly `1...n` (an empty table is an
/// empty array), otherwise `.table` with keys converted to strings.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([LuaValue])
    case table([String: LuaValue])
    /// A value that has no Swift form (function, userdata, thread), with its type name.
    case opaque(String)

    /// The Lua type name (`"nil"`, `"number"`, `"table"`, ...).
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .array, .table: "table"
        case .opaque(let name): name
        }
    }

    public var isNil: Bool { if case .nil = self { true } else { false } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var intValue: Int? {
        switch self {
        case .integer(let i): i
        case .number(let d): d.rounded() == d && abs(d) < 9.2e18 ? Int(d) : nil
        default: nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
    public var boolValue: Bool? { if case .boolean(let b) = self { b } else { nil } }
    /// Elements of an array table (an empty map counts as an empty array).
    public var arrayValue: [LuaValue]? {
        switch self {
        case .array(let a): a
        case .table(let t) where t.isEmpty: []
        default: nil
        }
    }
    /// Fields of a map table (an empty array counts as an empty map).
    public var tableValue: [String: LuaValue]? {
        switch self {
        case .table(let t): t
        case .array(let a) where a.isEmpty: [:]
        default: nil
        }
    }
    /// `value["key"]` for map tables; `.nil` otherwise.
    public subscript(key: String) -> LuaValue { tableValue?[key] ?? .nil }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .table(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
