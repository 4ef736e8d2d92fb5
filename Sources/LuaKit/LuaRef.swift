import CLuaShim

/// A Lua value (usually a callback function) kept alive in the registry for Swift to use later on
/// the state's own thread. Released when this object goes away (or when the state closes).
public final class LuaRef {
    private weak var owner: LuaState?
    private let L: OpaquePointer
    /// The registry reference (`luaL_ref`).
    public let ref: Int32

    /// Pops the value on top of `L` into the registry.
    init(popping L: OpaquePointer) {
        self.L = L
        self.owner = LuaState.owner(of: L)
        self.ref = bb_ref(L)
    }

    /// Push the value onto `stack`.
    public func push(on stack: LuaStack) { bb_getref(stack.L, ref) }

    /// Call the function with `arguments` through the protected path; returns its results.
    /// A Lua error in the callback is thrown as `LuaError.runtime` (rethrowing it from a primitive
    /// raises it again in the caller).
    public func call(_ arguments: [LuaValue] = []) throws -> [LuaValue] {
        guard let owner else { throw LuaError.raise("the Lua state of this callback is closed") }
        let stack = owner.stack
        let base = stack.top
        push(on: stack)
        arguments.forEach(stack.push)
        try owner.call(nargs: Int32(arguments.count), nresults: LUA_MULTRET)
        defer { stack.top = base }
        return (base + 1...max(base + 1, stack.top)).prefix(Int(stack.top - base)).map { stack.value(at: $0) }
    }

    deinit {
        if owner != nil { bb_unref(L, ref) }
    }
}
