import CLuaShim

/// The body of a Swift function callable from Lua. Read arguments from `args`; return a
/// `LuaResult`. Throw `args.error(...)`/`LuaError.argument`/`LuaError.raise` for misuse (raised in
/// Lua); any other thrown error is an operational failure (Lua gets `nil, message, code`).
public typealias LuaFunctionBody = @Sendable (LuaArgs) throws -> LuaResult

/// One function of a module: its name, its doc (shown by `help`), and its body.
public struct LuaFunction: Sendable {
    public let name: String
    public let doc: String
    public let body: LuaFunctionBody

    public init(_ name: String, doc: String, body: @escaping LuaFunctionBody) {
        self.name = name
        self.doc = doc
        self.body = body
    }
}

/// What a Swift function hands back to Lua.
public struct LuaResult {
    let push: (LuaStack) throws -> Int32

    init(push: @escaping (LuaStack) throws -> Int32) { self.push = push }

    /// No results.
    public static var none: LuaResult { LuaResult { _ in 0 } }

    /// One value.
    public static func value(_ value: LuaValue) -> LuaResult {
        LuaResult { $0.push(value); return 1 }
    }

    /// One `Encodable` value (strings, numbers, structs → tables, arrays → sequences).
    public static func value<T: Encodable>(_ value: T) -> LuaResult {
        LuaResult { try $0.push(encodable: value); return 1 }
    }

    /// Several values.
    public static func values(_ values: [LuaValue]) -> LuaResult {
        LuaResult { stack in
            stack.reserve(Int32(clamping: values.count + 4))
            values.forEach(stack.push)
            return Int32(values.count)
        }
    }

    /// A host object as userdata (see `LuaObject`).
    public static func object<T: LuaObject>(_ object: T) -> LuaResult {
        LuaResult { $0.push(object: object); return 1 }
    }

    /// Operational failure: Lua receives `nil, message, code` (like `io.open`).
    public static func failure(_ message: String, code: String = "error") -> LuaResult {
        .values([.nil, .string(message), .string(code)])
    }

    /// The body pushed `count` values itself (advanced use, through `args.stack`).
    public static func pushed(_ count: Int) -> LuaResult {
        LuaResult { _ in Int32(count) }
    }
}

/// A Swift function pushed into Lua; retained by its Lua closure until that is collected.
final class HostFunction {
    /// The name used in error messages: `frames.parse`, `Job:wait`.
    let qualifiedName: String
    /// 1 for methods: `self` is argument 1 and the first explicit argument is #1 in messages.
    let selfArguments: Int32
    let body: LuaFunctionBody

    init(qualifiedName: String, selfArguments: Int32 = 0, body: @escaping LuaFunctionBody) {
        self.qualifiedName = qualifiedName
        self.selfArguments = selfArguments
        self.body = body
    }
}

extension LuaState {
    /// Installs the trampoline's Swift entry points (once per process).
    static let installTrampoline: Void = bb_set_swift_callbacks(dispatchHostFunction, releaseHostFunction)
}

/// Release the Swift function when its Lua closure is collected.
private let releaseHostFunction: bb_release_fn = { box in
    guard let box else { return }
    Unmanaged<HostFunction>.fromOpaque(box).release()
}

/// The trampoline's call into Swift. Returns a result count or a BB_STATUS_* for the C side to raise;
/// every Swift frame has returned before C raises.
private let dispatchHostFunction: bb_dispatch_fn = { box, L in
    guard let box, let L else { return 0 }
    let function = Unmanaged<HostFunction>.fromOpaque(box).takeUnretainedValue()
    let stack = LuaStack(L)
    let owner = LuaState.owner(of: L)
    let args = LuaArgs(L: L, owner: owner, function: function.qualifiedName, offset: function.selfArguments)
    let base = lua_gettop(L)
    do {
        let result = try function.body(args)
        // An interrupt that came while the body ran (a primitive may have swallowed it) stops the chunk.
        if let owner, bb_interrupt_pending(owner.L) != 0 { return BB_STATUS_INTERRUPT }
        return try result.push(stack)  // Lua takes the top `n` values as results
    } catch let error as LuaError {
        switch error {
        case .interrupted:
            if let owner { bb_interrupt(owner.L) }  // sticks until the chunk has unwound, pcall or not
            return BB_STATUS_INTERRUPT
        case .argument(let index, let problem):
            stack.push("bad argument #\(index) to '\(function.qualifiedName)' (\(problem))")
            return BB_STATUS_RAISE_WHERE
        case .raise(let message):
            stack.push(message)
            return BB_STATUS_RAISE_WHERE
        case .runtime(let message, _), .syntax(let message):
            stack.push(message)  // already carries its position
            return BB_STATUS_RAISE
        }
    } catch {
        lua_settop(L, base)
        let code = (error as? any LuaRepresentableError)?.luaCode ?? "error"
        return (try? LuaResult.failure(String(describing: error), code: code).push(stack)) ?? 0
    }
}

extension LuaStack {
    /// Push a Swift function as a Lua function. `name` appears in error messages (`frames.parse`).
    public func push(function name: String, _ body: @escaping LuaFunctionBody) {
        push(HostFunction(qualifiedName: name, body: body))
    }

    func push(_ function: HostFunction) {
        let box = Unmanaged.passRetained(function).toOpaque()
        if bb_push_swift_function(L, box) != LUA_OK {
            Unmanaged<HostFunction>.fromOpaque(box).release()
            bb_pop(L, 1)
            lua_pushnil(L)
        }
    }
}
