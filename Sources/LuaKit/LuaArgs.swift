import CLuaShim

/// The arguments of one call from Lua into a Swift function, with typed accessors that produce
/// Lua's own misuse messages: `bad argument #1 to 'frames.parse' (string expected, got nil)`.
///
/// Indexes are 1-based as the Lua caller counts them (for methods, #1 is the first argument after
/// `self`).
public struct LuaArgs {
    /// The calling Lua thread (a coroutine's state inside coroutines).
    public let L: OpaquePointer
    /// The state that owns `L`, when it is one of ours (nil inside a foreign host before setup).
    public let owner: LuaState?
    /// The function's name in messages, e.g. `frames.parse`.
    public let function: String
    let offset: Int32

    init(L: OpaquePointer, owner: LuaState?, function: String, offset: Int32) {
        self.L = L
        self.owner = owner
        self.function = function
        self.offset = offset
    }

    /// The stack of the calling thread, for advanced pushing (then return `.pushed(n)`).
    public var stack: LuaStack { LuaStack(L) }
    /// Number of arguments passed (not counting `self` for methods).
    public var count: Int { Int(lua_gettop(L) - offset) }

    /// Stack index of argument `n`.
    public func index(_ n: Int) -> Int32 { Int32(n) + offset }

    // MARK: Errors

    /// A misuse error for argument `n`: `bad argument #n to 'fn' (problem)`.
    public func error(_ n: Int, _ problem: String) -> LuaError { .argument(index: n, problem: problem) }

    /// Where the Lua code that called sits, as `file.lua:3: ` (empty when unknown), like `luaL_where`.
    public var callerPosition: String {
        luaL_where(L, 1)
        defer { bb_pop(L, 1) }
        return stack.string(at: -1) ?? ""
    }

    /// A misuse error raised at the caller's position with `'fn': message` prefix.
    public func error(_ message: String) -> LuaError { .raise("\(function): \(message)") }

    func typeError(_ n: Int, expected: String) -> LuaError {
        let got = lua_type(L, index(n)) == LUA_TNONE ? "no value" : stack.typeName(at: index(n))
        return .argument(index: n, problem: "\(expected) expected, got \(got)")
    }

    // MARK: Values

    /// True when argument `n` is nil or absent.
    public func isNil(_ n: Int) -> Bool { bb_isnoneornil(L, index(n)) != 0 }
    /// Argument `n` copied into Swift (nil when absent).
    public func value(_ n: Int) -> LuaValue { stack.value(at: index(n)) }
    /// The Lua type name of argument `n` (`__name` for userdata).
    public func typeName(_ n: Int) -> String { stack.typeName(at: index(n)) }

    /// A string argument (numbers are accepted and converted, as `luaL_checkstring` does).
    public func string(_ n: Int) throws -> String {
        let i = index(n)
        switch lua_type(L, i) {
        case LUA_TSTRING: return stack.string(at: i) ?? ""
        case LUA_TNUMBER: return stack.describe(at: i)
        default: throw typeError(n, expected: "string")
        }
    }
    public func optionalString(_ n: Int) throws -> String? { isNil(n) ? nil : try string(n) }
    public func string(_ n: Int, default value: String) throws -> String { try optionalString(n) ?? value }

    /// An integer argument (floats with an exact integer value and numeric strings are accepted).
    public func int(_ n: Int) throws -> Int {
        let i = index(n)
        var ok: Int32 = 0
        let v = lua_tointegerx(L, i, &ok)
        if ok != 0 { return Int(v) }
        if lua_type(L, i) == LUA_TNUMBER { throw error(n, "number has no integer representation") }
        throw typeError(n, expected: "number")
    }
    public func optionalInt(_ n: Int) throws -> Int? { isNil(n) ? nil : try int(n) }
    public func int(_ n: Int, default value: Int) throws -> Int { try optionalInt(n) ?? value }

    /// A number argument (numeric strings are accepted).
    public func number(_ n: Int) throws -> Double {
        var ok: Int32 = 0
        let v = lua_tonumberx(L, index(n), &ok)
        if ok != 0 { return v }
        throw typeError(n, expected: "number")
    }
    public func optionalNumber(_ n: Int) throws -> Double? { isNil(n) ? nil : try number(n) }
    public func number(_ n: Int, default value: Double) throws -> Double { try optionalNumber(n) ?? value }

    /// A boolean argument (strictly `true`/`false`).
    public func bool(_ n: Int) throws -> Bool {
        guard lua_type(L, index(n)) == LUA_TBOOLEAN else { throw typeError(n, expected: "boolean") }
        return lua_toboolean(L, index(n)) != 0
    }
    public func optionalBool(_ n: Int) throws -> Bool? { isNil(n) ? nil : try bool(n) }
    public func bool(_ n: Int, default value: Bool) throws -> Bool { try optionalBool(n) ?? value }

    /// A table argument copied into Swift.
    public func table(_ n: Int) throws -> LuaValue {
        guard lua_type(L, index(n)) == LUA_TTABLE else { throw typeError(n, expected: "table") }
        return value(n)
    }
    public func optionalTable(_ n: Int) throws -> LuaValue? { isNil(n) ? nil : try table(n) }

    /// A table argument decoded into a `Decodable` type; a decoding problem is a misuse error
    /// naming the field (`bad argument #1 to 'render.submit' (field 'frames': expected String...)`).
    public func decode<T: Decodable>(_ type: T.Type, _ n: Int) throws -> T {
        let v = value(n)
        do {
            return try v.decode(type)
        } catch let e as DecodingError {
            throw error(n, Self.describe(e))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0 + 1)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : "field '\(p)': "
        }
        switch error {
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            return path(ctx) + ctx.debugDescription
        case .keyNotFound(let key, let ctx):
            return path(ctx) + "missing field '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }

    /// A host object argument of type `T` (see `LuaObject`).
    public func object<T: LuaObject>(_ type: T.Type, _ n: Int) throws -> T {
        guard let object = stack.object(type, at: index(n)) else {
            if stack.isClosedObject(type, at: index(n)) { throw error(n, "attempt to use a closed \(T.luaTypeName)") }
            throw typeError(n, expected: T.luaTypeName)
        }
        return object
    }

    /// A function argument, kept in the registry until the returned reference is released.
    public func function(_ n: Int) throws -> LuaRef {
        guard lua_type(L, index(n)) == LUA_TFUNCTION else { throw typeError(n, expected: "function") }
        lua_pushvalue(L, index(n))
        return LuaRef(popping: L)
    }

    // MARK: Async work

    /// Run async Swift work (network, processes) and wait for it, blocking only this Lua thread.
    /// Ctrl-C cancels the task and interrupts the chunk.
    public func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        guard let owner else { return try LuaState.blockingWait(L: L, nil, work) }
        return try owner.wait(work)
    }

    /// Like `wait`, but Ctrl-C calls `onInterrupt(n)` (n-th interrupt) and keeps waiting until the
    /// work ends: for work that must be stopped cleanly, such as a render job.
    public func wait<T: Sendable>(onInterrupt: @escaping @Sendable (Int) -> Void,
                                  _ work: @escaping @Sendable () async throws -> T) throws -> T {
        try LuaState.blockingWait(L: L, owner, onInterrupt: onInterrupt, work)
    }
}
