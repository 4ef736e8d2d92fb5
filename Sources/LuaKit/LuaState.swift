import CLuaShim

/// One Lua state, owned by one thread: create it, use it and drop it on the same thread
/// (see `LuaThread`). Not `Sendable` on purpose.
///
/// ```swift
/// let lua = try LuaState(libraries: .sandboxed)
/// lua.register(LuaModuleRegistry.modules)
/// try lua.run("print(require('frames').parse('1-10:2'))", name: "=example")
/// ```
public final class LuaState {
    /// Which standard libraries a state opens.
    public enum Libraries: Sendable {
        /// Every standard library (the REPL, `--trust`ed recipes).
        case all
        /// The sandbox for shared recipes: base without `dofile`/`loadfile` and with text-only `load`,
        /// `string` (no `dump`), `table`, `math`, `utf8`, `coroutine`, `os.time/clock/date/difftime`,
        /// and `require` of registered modules only. No `io`, no `debug`, no `package.loadlib`.
        case sandboxed
        /// No library at all (not even `print`): for evaluating data such as recipe declarations.
        case bare
    }

    /// The main `lua_State*`.
    public let L: OpaquePointer
    /// Whether this state runs with the sandboxed libraries.
    public let isSandboxed: Bool
    /// Per-state storage for modules (clients, caches, the logger...). Lives as long as the state.
    public var userInfo: [String: Any] = [:]
    /// Where `help()` and other host output goes (default: stdout).
    public var output: (String) -> Void = { print($0, terminator: "") }

    /// Module and function docs for `help`, by qualified name.
    var moduleDocs: [(name: String, doc: String, functions: [String])] = []
    var functionDocs: [String: String] = [:]
    /// Protected calls in progress (a callback from Swift runs inside the chunk's call).
    var callDepth = 0
    private let owned: Bool

    /// The memory limit of new states unless one is given: 1 GiB.
    public static let defaultMemoryLimit = 1 << 30

    /// A new state with the given libraries, whose Lua code cannot hold more than `memoryLimit`
    /// bytes (nil: no limit): past it an allocation fails with Lua's "not enough memory" error.
    public init(libraries: Libraries = .all, memoryLimit: Int? = LuaState.defaultMemoryLimit) throws {
        Self.installTrampoline
        // Untrusted code gets the hook in every coroutine (a few times slower in tight Lua loops).
        guard let L = bb_newstate(memoryLimit.map { max(1, $0) } ?? 0, libraries == .all ? 0 : 1) else { throw LuaError.raise("cannot create a Lua state: out of memory") }
        self.L = L
        self.owned = true
        self.isSandboxed = libraries != .all
        bb_setextra(L, Unmanaged.passUnretained(self).toOpaque())
        let status = switch libraries {
        case .all: bb_open_all(L)
        case .sandboxed: bb_open_sandbox(L)
        case .bare: LUA_OK
        }
        if status != LUA_OK {
            let message = stack.string(at: -1) ?? "unknown error"
            bb_close(L)
            throw LuaError.raise("cannot open the Lua libraries: \(message)")
        }
    }

    /// Wrap a state someone else owns (the `lua5.4` interpreter loading our plugin). The wrapper must
    /// stay alive as long as that state uses our functions; it never closes the state.
    public init(borrowing L: OpaquePointer) {
        Self.installTrampoline
        self.L = L
        self.owned = false
        self.isSandboxed = false
        bb_setextra(L, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        if owned {
            bb_close(L)  // runs every __gc, which releases the Swift objects held by userdata
        } else {
            bb_setextra(L, nil)
        }
    }

    /// The main thread's stack.
    public var stack: LuaStack { LuaStack(L) }

    /// The `LuaState` that owns `L` (any of its coroutines), or nil for a foreign state.
    public static func owner(of L: OpaquePointer) -> LuaState? {
        guard let p = bb_getextra(L) else { return nil }
        return Unmanaged<LuaState>.fromOpaque(p).takeUnretainedValue()
    }

    /// `_G[name]` copied into Swift.
    public func global(_ name: String) -> LuaValue {
        stack.pushGlobal(name)
        defer { stack.pop() }
        return stack.value(at: -1)
    }

    /// Set `_G[name] = value`.
    public func setGlobal(_ name: String, _ value: LuaValue) {
        stack.push(value)
        stack.setGlobal(name)
    }

    /// Bytes the state's Lua values hold now.
    public var memoryUsed: Int { Int(bb_memory_used(L)) }

    /// Stop any chunk after about `count` more VM instructions with "instruction budget exceeded"
    /// (nil removes the limit). For evaluating untrusted data.
    public func setInstructionBudget(_ count: Int?) {
        bb_set_instruction_budget(L, Int32(clamping: count ?? 0))
    }

    /// `Lua 5.4` etc.
    public static var version: String { "Lua \(bb_version_num() / 100).\(bb_version_num() % 100)" }
}

extension LuaState {
    /// The pseudo-index of the registry (for `LuaStack.setField(_:in:)`).
    public var registryIndex: Int32 { bb_registryindex() }
}
