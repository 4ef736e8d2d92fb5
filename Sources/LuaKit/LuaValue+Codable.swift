import Foundation

/// `LuaValue` is itself `Codable`, which gives conversions to and from any `Codable` Swift value.
extension LuaValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .nil }
        else if let b = try? c.decode(Bool.self) { self = .boolean(b) }
        else if let i = try? c.decode(Int.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([LuaValue].self) { self = .array(a) }
        else { self = .table(try c.decode([String: LuaValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .nil, .opaque: try c.encodeNil()
        case .boolean(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .table(let t): try c.encode(t)
        }
    }

    /// Convert an `Encodable` value (dates as ISO 8601 strings).
    public init<T: Encodable>(encoding value: T) throws {
        if let v = value as? LuaValue { self = v; return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self = try JSONDecoder().decode(LuaValue.self, from: encoder.encode(value))
    }

    /// Convert to a `Decodable` type. Empty tables decode as empty arrays or empty objects,
    /// whichever the type asks for; integers decode as floats where a `Double` is expected.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let v = self as? T { return v }
        return try LuaValueDecoder(self).decode(type)
    }
}
