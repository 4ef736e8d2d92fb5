import CLuaShim

/// A Swift class exposed to Lua as userdata, with one metatable per type (registered lazily in each
/// state): `__name`, `__index` (methods, then properties), `__gc` and `__close` (one idempotent
/// release that calls `luaClose()`), `__tostring`.
///
/// ```swift
/// final class Job: LuaObject {
///     static let luaTypeName = "blendbatch.Job"
///     static func luaMembers(_ m: LuaMembers<Job>) {
///         m.property("id", doc: "job.id -> string") { .string($0.id) }
///         m.method("wait", doc: "job:wait([timeout]) -> report | nil, err, code") { job, args in
///             let timeout = try args.optionalNumber(1)
///             return .value(try args.wait { try await job.wait(timeout: timeout) })
///         }
///     }
/// }
/// ```
public protocol LuaObject: AnyObject, SendableMetatype {
    /// The metatable name, shown as `__name` in messages (`blendbatch.Job expected, got nil`).
    static var luaTypeName: String { get }
    /// Declare methods and properties (called once per state, when the first object is pushed).
    static func luaMembers(_ members: LuaMembers<Self>)
    /// Release resources early: called once, by `__close` (a `<close>` variable) or `__gc`.
    func luaClose()
    /// What `tostring(object)` shows.
    var luaDescription: String { get }
}

extension LuaObject {
    public func luaClose() {}
    public var luaDescription: String {
        "\(Self.luaTypeName): \(UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()))"
    }
}

/// Collects the methods and properties of a `LuaObject` type.
public final class LuaMembers<Object: LuaObject> {
    var methods: [(name: String, doc: String, body: @Sendable (Object, LuaArgs) throws -> LuaResult)] = []
    var properties: [String: (doc: String, get: @Sendable (Object) -> LuaValue)] = [:]

    init() {}

    /// A method called as `object:name(...)`; `args` starts after `self`.
    public func method(_ name: String, doc: String, _ body: @escaping @Sendable (Object, LuaArgs) throws -> LuaResult) {
        methods.append((name, doc, body))
    }

    /// A read-only field read as `object.name`.
    public func property(_ name: String, doc: String = "", _ get: @escaping @Sendable (Object) -> LuaValue) {
        properties[name] = (doc, get)
    }
}

extension LuaStack {
    /// Push `object` as a full userdata with its type's metatable (the userdata holds a strong
    /// reference until `__gc`/`__close`).
    public func push<T: LuaObject>(object: T) {
        reserve(4)
        let slot = lua_newuserdatauv(L, MemoryLayout<UnsafeMutableRawPointer?>.size, 0)!
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        slot.pointee = nil  // "closed" until the metatable is attached
        guard pushMetatable(for: T.self) else { return }
        lua_setmetatable(L, -2)
        slot.pointee = Unmanaged.passRetained(object as AnyObject).toOpaque()
    }

    /// The object at `index` when it is a live `T`, else nil.
    public func object<T: LuaObject>(_ type: T.Type, at index: Int32) -> T? {
        guard let slot = slot(T.self, at: index), let p = slot.pointee else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(p).takeUnretainedValue() as? T
    }

    func isClosedObject<T: LuaObject>(_ type: T.Type, at index: Int32) -> Bool {
        guard let slot = slot(T.self, at: index) else { return false }
        return slot.pointee == nil
    }

    private func slot<T: LuaObject>(_ type: T.Type, at index: Int32) -> UnsafeMutablePointer<UnsafeMutableRawPointer?>? {
        luaL_testudata(L, index, T.luaTypeName)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }

    /// Push the metatable of `T`, creating it on first use. False (and nil pushed) on memory error.
    @discardableResult
    func pushMetatable<T: LuaObject>(for type: T.Type) -> Bool {
        var created: Int32 = 0
        guard bb_newmetatable(L, T.luaTypeName, &created) == LUA_OK else {
            bb_pop(L, 1)
            lua_pushnil(L)
            return false
        }
        if created != 0 { fillMetatable(for: type) }
        return true
    }

    private func fillMetatable<T: LuaObject>(for type: T.Type) {
        let mt = lua_gettop(L)
        let members = LuaMembers<T>()
        T.luaMembers(members)
        let shortName = T.luaTypeName.split(separator: ".").last.map(String.init) ?? T.luaTypeName
        let owner = LuaState.owner(of: L)

        lua_createtable(L, 0, Int32(members.methods.count))
        for method in members.methods {
            let qualified = "\(shortName):\(method.name)"
            let body = method.body
            push(HostFunction(qualifiedName: qualified, selfArguments: 1) { args in
                guard let object = args.stack.object(T.self, at: 1) else {
                    if args.stack.isClosedObject(T.self, at: 1) { throw LuaError.raise("\(qualified): attempt to use a closed \(T.luaTypeName)") }
                    throw LuaError.raise("bad self to '\(qualified)' (\(T.luaTypeName) expected, got \(args.stack.typeName(at: 1))); call it with ':'")
                }
                return try body(object, args)
            })
            owner?.functionDocs[qualified] = method.doc
            setField(method.name, in: -2)
        }
        setField("__methods", in: mt)
        for (name, property) in members.properties where !property.doc.isEmpty {
            owner?.functionDocs["\(shortName).\(name)"] = property.doc
        }

        let properties = members.properties.mapValues(\.get)
        push(HostFunction(qualifiedName: "\(shortName).__index") { args in
            let stack = args.stack
            guard let key = stack.string(at: 2) else { return .value(.nil) }
            if let get = properties[key], let object = stack.object(T.self, at: 1) { return .value(get(object)) }
            guard lua_getmetatable(args.L, 1) != 0 else { return .value(.nil) }
            stack.pushField("__methods", of: -1)
            stack.pushField(key, of: -1)
            return .pushed(1)
        })
        setField("__index", in: mt)

        let release = HostFunction(qualifiedName: "\(shortName).__gc") { args in
            guard let slot = luaL_testudata(args.L, 1, T.luaTypeName)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                  let p = slot.pointee else { return .none }
            slot.pointee = nil
            let object = Unmanaged<AnyObject>.fromOpaque(p).takeRetainedValue()
            (object as? T)?.luaClose()
            return .none
        }
        push(release)
        setField("__gc", in: mt)
        push(release)
        setField("__close", in: mt)

        push(HostFunction(qualifiedName: "\(shortName).__tostring") { args in
            guard let object = args.stack.object(T.self, at: 1) else { return .value(.string("\(T.luaTypeName) (closed)")) }
            return .value(.string(object.luaDescription))
        })
        setField("__tostring", in: mt)
    }
}
