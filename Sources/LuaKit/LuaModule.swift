import CLuaShim

/// A Lua module defined in Swift: a name, a one-paragraph doc, and one line per function.
///
/// ```swift
/// let frames = LuaModule("frames", doc: "OpenJD frame sets: parse, chunk, count.") { m in
///     m.function("parse", doc: "frames.parse(expr) -> {int...}  Parse '1-10:2,20'.") { args in
///         let expr = try args.string(1)          // raises: bad argument #1 to 'frames.parse' (string expected, got nil)
///         guard let set = FrameSet(expr) else {
///             return .failure("bad frame set '\(expr)'", code: "bad_frames")   // returns nil, msg, code
///         }
///         return .value(set.frames)              // any Encodable
///     }
/// }
/// ```
public struct LuaModule: Sendable {
    public let name: String
    public let doc: String
    public private(set) var functions: [LuaFunction] = []
    public private(set) var constants: [(name: String, value: LuaValue)] = []

    public init(_ name: String, doc: String, _ build: (LuaModuleBuilder) -> Void = { _ in }) {
        self.name = name
        self.doc = doc
        let builder = LuaModuleBuilder()
        build(builder)
        functions = builder.functions
        constants = builder.constants
    }
}

/// Collects a module's functions while it is being defined.
public final class LuaModuleBuilder {
    var functions: [LuaFunction] = []
    var constants: [(name: String, value: LuaValue)] = []

    init() {}

    /// `module.name(...)`, documented by `doc` (first line: the signature, e.g.
    /// `frames.parse(expr) -> {int...}`; then one short paragraph).
    public func function(_ name: String, doc: String, _ body: @escaping LuaFunctionBody) {
        functions.append(LuaFunction(name, doc: doc, body: body))
    }

    /// A constant field, e.g. `blendbatch.version`.
    public func constant(_ name: String, _ value: LuaValue) {
        constants.append((name, value))
    }
}

extension LuaState {
    /// Make `modules` available: `require "name"` returns each module, `require "blendbatch"`
    /// returns a table of all of them plus `help`, which documents them. With `asGlobals`, each
    /// module and `help` are also globals (the REPL, recipes). Registering a name again replaces it.
    public func register(_ modules: [LuaModule], asGlobals: Bool = false) {
        for module in modules { register(module, asGlobals: asGlobals) }
        registerHelp(asGlobal: asGlobals)
    }

    /// Register one module (see `register(_:asGlobals:)`); pushes nothing.
    public func register(_ module: LuaModule, asGlobals: Bool = false) {
        let stack = self.stack
        stack.reserve(8)
        lua_createtable(L, 0, Int32(module.functions.count + module.constants.count))
        for function in module.functions {
            let qualified = "\(module.name).\(function.name)"
            stack.push(HostFunction(qualifiedName: qualified, body: function.body))
            stack.setField(function.name, in: -2)
            functionDocs[qualified] = function.doc
        }
        for constant in module.constants {
            stack.push(constant.value)
            stack.setField(constant.name, in: -2)
        }
        moduleDocs.removeAll { $0.name == module.name }
        moduleDocs.append((module.name, module.doc, module.functions.map(\.name)))
        moduleDocs.sort { $0.name < $1.name }

        // package.loaded[name] = module; blendbatch[name] = module
        pushLoadedTable()
        lua_pushvalue(L, -2)
        stack.setField(module.name, in: -2)
        stack.pop()
        pushAggregate()
        lua_pushvalue(L, -2)
        stack.setField(module.name, in: -2)
        stack.pop()
        if asGlobals {
            stack.setGlobal(module.name)
        } else {
            stack.pop()
        }
    }

    /// Names of the registered modules, sorted.
    public var moduleNames: [String] { moduleDocs.map(\.name) }

    /// The doc of `module` or `module.function` (nil when unknown).
    public func doc(for name: String) -> String? {
        if let doc = functionDocs[name] { return doc }
        return moduleDocs.first { $0.name == name }?.doc
    }

    /// Push `package.loaded.blendbatch`, the table of every registered module, creating it if needed.
    public func pushAggregate() {
        pushLoadedTable()
        if stack.pushField("blendbatch", of: -1) != LUA_TTABLE {
            stack.pop()
            lua_createtable(L, 0, 8)
            lua_pushvalue(L, -1)
            stack.setField("blendbatch", in: -3)
        }
        bb_remove(L, -2)
    }

    /// Push `package.loaded` (the registry's `_LOADED`), creating it if needed.
    func pushLoadedTable() {
        if stack.pushField(LUA_LOADED_TABLE, of: bb_registryindex()) != LUA_TTABLE {
            stack.pop()
            lua_createtable(L, 0, 8)
            lua_pushvalue(L, -1)
            stack.setField(LUA_LOADED_TABLE, in: bb_registryindex())
        }
    }
}
