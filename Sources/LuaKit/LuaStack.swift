import CLuaShim

/// A view on one Lua thread's stack: pushing and reading values without ever raising.
///
/// Only raw table access is used here (`lua_rawget`/`lua_rawset`/`lua_next`), so no metamethod can
/// run, and therefore no Lua error can unwind through these Swift frames. (Memory errors while
/// pushing are the one exception Lua itself cannot avoid.)
public struct LuaStack {
    /// The `lua_State*` of the running thread (a coroutine's own state inside coroutines).
    public let L: OpaquePointer

    public init(_ L: OpaquePointer) { self.L = L }

    /// Number of values on the stack.
    public var top: Int32 {
        get { lua_gettop(L) }
        nonmutating set { lua_settop(L, newValue) }
    }

    public func pop(_ n: Int32 = 1) { bb_pop(L, n) }
    public func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }
    /// Make room for `n` more values; false when the stack cannot grow.
    @discardableResult public func reserve(_ n: Int32) -> Bool { lua_checkstack(L, n) != 0 }

    // MARK: Types

    /// `lua_type` at `index` (LUA_TNIL, LUA_TNUMBER, ...; LUA_TNONE past the top).
    public func type(at index: Int32) -> Int32 { lua_type(L, index) }

    /// The type name used in error messages: the metatable's `__name` when it has one (userdata),
    /// `"no value"` past the top, else the plain Lua type name.
    public func typeName(at index: Int32) -> String {
        let idx = lua_absindex(L, index)
        if lua_getmetatable(L, idx) != 0 {
            lua_pushstring(L, "__name")
            let t = lua_rawget(L, -2)
            defer { bb_pop(L, 2) }
            if t == LUA_TSTRING, let name = lua_tolstring(L, -1, nil) { return String(cString: name) }
        }
        let t = lua_type(L, idx)
        if t == LUA_TLIGHTUSERDATA { return "light userdata" }
        return String(cString: lua_typename(L, t))
    }

    // MARK: Push

    public func pushNil() { lua_pushnil(L) }
    public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(L, value) }
    public func push(_ value: String) {
        var s = value
        s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// Push any `LuaValue`, building nested tables. `.opaque` values push nil.
    public func push(_ value: LuaValue) {
        reserve(4)
        switch value {
        case .nil, .opaque: lua_pushnil(L)
        case .boolean(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .array(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                push(item)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .table(let fields):
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, item) in fields {
                push(key)
                push(item)
                lua_rawset(L, -3)
            }
        }
    }

    /// Push an `Encodable` value as Lua data (structs become tables, arrays sequences).
    public func push<T: Encodable>(encodable value: T) throws {
        push(try LuaValue(encoding: value))
    }

    // MARK: Read

    /// Copy the value at `index` into Swift. Tables are copied deeply (cycles become
    /// `.opaque("table")`, depth is capped at 100, and past a million values the rest is
    /// `.opaque("table")` too, so a graph of shared subtables cannot make it work for ever).
    public func value(at index: Int32) -> LuaValue {
        var copy = TableCopy(strict: false, limits: .standard)
        return (try? copy.value(self, at: lua_absindex(L, index), depth: 0)) ?? .opaque("table")
    }

    /// Copy the value at `index` into Swift, refusing what cannot be copied faithfully: a table that
    /// contains itself, nesting deeper than `limits.depth`, more than `limits.values` values. Stops
    /// with `LuaError.interrupted` when the chunk is interrupted meanwhile.
    public func copy(at index: Int32, limits: LuaCopyLimits = .standard) throws -> LuaValue {
        var copy = TableCopy(strict: true, limits: limits)
        return try copy.value(self, at: lua_absindex(L, index), depth: 0)
    }

    fileprivate func table(at idx: Int32, _ copy: inout TableCopy, depth: Int) throws -> LuaValue {
        reserve(4)
        var byIndex: [Int: LuaValue] = [:]
        var byName: [String: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, idx) != 0 {
            let item: LuaValue
            do { item = try copy.value(self, at: lua_absindex(L, -1), depth: depth + 1) } catch {
                bb_pop(L, 2)
                throw error
            }
            switch lua_type(L, -2) {
            case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                byIndex[Int(lua_tointegerx(L, -2, nil))] = item
            case LUA_TSTRING:
                byName[string(at: -2) ?? ""] = item
            default:
                byName[keyText(at: -2)] = item
            }
            bb_pop(L, 1)
        }
        if byName.isEmpty, byIndex.keys.allSatisfy({ $0 >= 1 && $0 <= byIndex.count }) {
            return .array((0..<byIndex.count).map { byIndex[$0 + 1] ?? .nil })
        }
        for (i, item) in byIndex { byName[String(i)] = item }
        return .table(byName)
    }

    /// A non-string key's text without converting it in place (that would confuse `lua_next`).
    private func keyText(at index: Int32) -> String {
        switch lua_type(L, index) {
        case LUA_TNUMBER: return String(lua_tonumberx(L, index, nil))
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        default: return typeName(at: index)
        }
    }

    /// The string at `index` (only when it *is* a string; numbers are not converted).
    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = lua_tolstring(L, index, &len) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    /// `tostring(value)` computed in protected mode (runs `__tostring`); the stack is unchanged.
    public func describe(at index: Int32) -> String {
        lua_pushvalue(L, index)
        var len = 0
        let p = bb_safe_tostring(L, -1, &len)
        defer { bb_pop(L, 1) }
        guard let p else { return "(error in __tostring: \(string(at: -1) ?? "?"))" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    /// Decode the value at `index` into a `Decodable` type (tables as keyed/unkeyed containers).
    public func decode<T: Decodable>(_ type: T.Type, at index: Int32) throws -> T {
        try value(at: index).decode(type)
    }

    // MARK: Globals and fields (raw)

    /// Push `_G[name]` (raw access).
    public func pushGlobal(_ name: String) {
        bb_pushglobaltable(L)
        push(name)
        lua_rawget(L, -2)
        bb_remove(L, -2)
    }

    /// Pop the top value into `_G[name]` (raw access).
    public func setGlobal(_ name: String) {
        bb_pushglobaltable(L)
        push(name)
        lua_rotate(L, -3, -1)  // G name value
        lua_rawset(L, -3)
        bb_pop(L, 1)
    }

    /// Pop the top value into `t[key]` where `t` is the table at `table` (raw access).
    public func setField(_ key: String, in table: Int32) {
        let t = lua_absindex(L, table)
        push(key)
        bb_insert(L, -2)
        lua_rawset(L, t)
    }

    /// Push `t[key]` where `t` is the table at `table` (raw access); returns its type.
    @discardableResult public func pushField(_ key: String, of table: Int32) -> Int32 {
        let t = lua_absindex(L, table)
        push(key)
        return lua_rawget(L, t)
    }
}

/// How much `LuaStack.copy(at:limits:)` copies at most.
public struct LuaCopyLimits: Sendable {
    /// Tables inside tables.
    public var depth: Int
    /// Values in all (a graph that shares subtables counts each path to them).
    public var values: Int

    public init(depth: Int, values: Int) {
        self.depth = depth
        self.values = values
    }

    /// 100 levels, a million values.
    public static let standard = LuaCopyLimits(depth: 100, values: 1_000_000)
}

/// Why a Lua value could not be copied into Swift.
public enum LuaCopyError: Error, Equatable, CustomStringConvertible {
    case cycle
    case tooDeep(Int)
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .cycle: "a table contains itself"
        case .tooDeep(let depth): "tables nested deeper than \(depth) levels"
        case .tooLarge(let values): "more than \(values) values"
        }
    }
}

/// One deep copy's bookkeeping: the tables on the current path, the values copied so far.
private struct TableCopy {
    let strict: Bool
    let limits: LuaCopyLimits
    var visiting: Set<UnsafeRawPointer> = []
    var count = 0

    init(strict: Bool, limits: LuaCopyLimits) {
        self.strict = strict
        self.limits = limits
    }

    mutating func value(_ stack: LuaStack, at idx: Int32, depth: Int) throws -> LuaValue {
        let L = stack.L
        count += 1
        if count > limits.values {
            if strict { throw LuaCopyError.tooLarge(limits.values) }
            return .opaque("table")
        }
        if count % 4096 == 0, bb_interrupt_pending(L) != 0 { throw LuaError.interrupted }
        switch lua_type(L, idx) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, idx) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, idx) != 0 { return .integer(Int(lua_tointegerx(L, idx, nil))) }
            return .number(lua_tonumberx(L, idx, nil))
        case LUA_TSTRING: return .string(stack.string(at: idx) ?? "")
        case LUA_TTABLE:
            guard let ptr = lua_topointer(L, idx) else { return .opaque("table") }
            if visiting.contains(ptr) {
                if strict { throw LuaCopyError.cycle }
                return .opaque("table")
            }
            if depth >= limits.depth {
                if strict { throw LuaCopyError.tooDeep(limits.depth) }
                return .opaque("table")
            }
            visiting.insert(ptr)
            defer { visiting.remove(ptr) }
            return try stack.table(at: idx, &self, depth: depth)
        default:
            return .opaque(stack.typeName(at: idx))
        }
    }
}
