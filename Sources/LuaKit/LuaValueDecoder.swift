import Foundation

/// A `Decoder` reading straight from a `LuaValue`, lenient where Lua is ambiguous: an empty table is
/// both an empty array and an empty object, integral floats are integers, and dates are ISO 8601
/// strings or seconds since 1970.
struct LuaValueDecoder: Decoder {
    let value: LuaValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: LuaValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Date.self {
            if let s = value.stringValue, let d = ISO8601DateFormatter().date(from: s) { return d as! T }
            if let n = value.doubleValue { return Date(timeIntervalSince1970: n) as! T }
            throw mismatch(type)
        }
        if type == URL.self, let s = value.stringValue {
            guard let url = URL(string: s) else { throw mismatch(type) }
            return url as! T
        }
        return try T(from: self)
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), got \(value.typeName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let fields = value.tableValue else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(Keyed<Key>(fields: fields, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = value.arrayValue else { throw mismatch([Any].self) }
        return Unkeyed(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: LuaValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { !(fields[key.stringValue] ?? .nil).isNil }
        func decodeNil(forKey key: Key) throws -> Bool { (fields[key.stringValue] ?? .nil).isNil }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let v = fields[key.stringValue], !v.isNil else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing field '\(key.stringValue)'"))
            }
            return try LuaValueDecoder(v, codingPath: codingPath + [key]).decode(type)
        }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try LuaValueDecoder(fields[key.stringValue] ?? .nil, codingPath: codingPath + [key]).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try LuaValueDecoder(fields[key.stringValue] ?? .nil, codingPath: codingPath + [key]).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { LuaValueDecoder(.table(fields), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder {
            LuaValueDecoder(fields[key.stringValue] ?? .nil, codingPath: codingPath + [key])
        }
    }

    private struct Index: CodingKey {
        var stringValue: String { "\(intValue!)" }
        var intValue: Int?
        init(_ i: Int) { intValue = i }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let items: [LuaValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }
        init(items: [LuaValue], codingPath: [any CodingKey]) { self.items = items; self.codingPath = codingPath }

        mutating func next() throws -> LuaValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "array too short"))
            }
            defer { currentIndex += 1 }
            return LuaValueDecoder(items[currentIndex], codingPath: codingPath + [Index(currentIndex)])
        }
        mutating func decodeNil() throws -> Bool {
            if !isAtEnd, items[currentIndex].isNil { currentIndex += 1; return true }
            return false
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    private struct Single: SingleValueDecodingContainer {
        let decoder: LuaValueDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var value: LuaValue { decoder.value }

        func decodeNil() -> Bool { value.isNil }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard let b = value.boolValue else { throw decoder.mismatch(type) }
            return b
        }
        func decode(_ type: String.Type) throws -> String {
            guard let s = value.stringValue else { throw decoder.mismatch(type) }
            return s
        }
        func decode(_ type: Double.Type) throws -> Double {
            guard let d = value.doubleValue else { throw decoder.mismatch(type) }
            return d
        }
        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            guard let i = value.intValue, let v = I(exactly: i) else { throw decoder.mismatch(type) }
            return v
        }
        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    }
}
