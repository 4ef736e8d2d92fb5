import CLuaShim
import Foundation

/// The one protected-call path: files, REPL lines and callbacks all run through `call`, with a
/// traceback message handler (lua.c's `docall` + `msghandler`).
extension LuaState {
    /// Call the function below `nargs` arguments on the stack, protected, with a traceback handler.
    /// Leaves `nresults` results (or all, with `LUA_MULTRET`). Throws `LuaError.runtime` with the
    /// message and the traceback, or `.interrupted` (an interrupt ends with the outermost call).
    public func call(nargs: Int32, nresults: Int32) throws {
        callDepth += 1
        defer { callDepth -= 1 }
        let status = bb_pcall_traceback(L, nargs, nresults)
        guard status != LUA_OK else { return }
        let full = stack.string(at: -1) ?? stack.describe(at: -1)
        stack.pop()
        if bb_interrupt_pending(L) != 0 {
            if callDepth == 1 { bb_interrupt_clear(L) }  // the chunk has unwound: the state runs again
            throw LuaError.interrupted
        }
        throw Self.runtimeError(full)
    }

    static func runtimeError(_ full: String) -> LuaError {
        let marker = "\nstack traceback:\n"
        let (message, traceback) = full.range(of: marker).map {
            (String(full[..<$0.lowerBound]), String(full[$0.lowerBound...].dropFirst()))
        } ?? (full, "")
        if message.hasSuffix("interrupted!") { return .interrupted }
        return .runtime(message: message, traceback: traceback)
    }

    /// Compile `code` and push the chunk as a function. `name` follows Lua's convention: `@file.lua`
    /// for files, `=stdin` for literal names. Text only unless `allowBinary` (never for the sandbox).
    public func load(_ code: String, name: String, allowBinary: Bool = false) throws {
        var source = code
        if source.hasPrefix("#") {  // skip a shebang line, keeping line numbers
            source = String(source.drop { $0 != "\n" })
        }
        let mode = allowBinary && !isSandboxed ? "bt" : "t"
        let status = source.withCString { p in bb_loadbuffer(L, p, strlen(p), name, mode) }
        guard status == LUA_OK else {
            let message = stack.string(at: -1) ?? "cannot load \(name)"
            stack.pop()
            throw LuaError.syntax(message)
        }
    }

    /// Compile and run `code`; returns its results copied into Swift.
    @discardableResult
    public func run(_ code: String, name: String = "=(string)", arguments: [LuaValue] = []) throws -> [LuaValue] {
        let base = stack.top
        try load(code, name: name)
        arguments.forEach(stack.push)
        try call(nargs: Int32(arguments.count), nresults: LUA_MULTRET)
        defer { stack.top = base }
        let count = Int(stack.top - base)
        return (0..<count).map { stack.value(at: base + 1 + Int32($0)) }
    }

    /// Run a Lua file the way `lua.c` runs a script: a global `arg` table (script name at 0,
    /// arguments at 1...n) and the arguments passed as `...`. Errors name the file (`recipe.lua:3:`).
    @discardableResult
    public func run(file path: String, arguments: [String] = []) throws -> [LuaValue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LuaError.raise("cannot open \(path)")
        }
        let code = String(decoding: data, as: UTF8.self)
        setArgTable(script: path, arguments: arguments)
        return try run(code, name: "@\(path)", arguments: arguments.map { .string($0) })
    }

    /// Set the global `arg` as lua.c does: `arg[0]` is the script, `arg[1...]` its arguments.
    public func setArgTable(script: String, arguments: [String]) {
        lua_createtable(L, Int32(arguments.count), 1)
        stack.push(script)
        lua_rawseti(L, -2, 0)
        for (i, a) in arguments.enumerated() {
            stack.push(a)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        stack.setGlobal("arg")
    }

    /// Run `body` with Ctrl-C (SIGINT) interrupting the running chunk through a hook, like lua.c;
    /// the previous SIGINT disposition is restored afterwards.
    public func withInterruptHandling<T>(_ body: () throws -> T) rethrows -> T {
        bb_interrupt_clear(L)
        bb_sigint_begin(L)
        defer { bb_sigint_end(); bb_interrupt_clear(L) }
        return try body()
    }

    /// Ask the running chunk to stop (callable from any thread); it keeps stopping until it has
    /// unwound, `pcall` or not.
    public func interrupt() { bb_interrupt(L) }

    /// Interrupt the innermost chunk running under `withInterruptHandling` on any state (a recipe
    /// that `recipes.run` started inside another): what SIGTERM does to a recipe run.
    public static func interruptRunningChunk() { bb_interrupt_current() }
}

/// A `Sendable` handle that interrupts a state's running chunk from any thread (a watchdog, a
/// cancelled task). Valid while the state is open.
public struct LuaInterruptHandle: Sendable {
    let raw: UInt
    /// Stop the running chunk at its next instruction with "interrupted!".
    public func interrupt() { bb_interrupt(OpaquePointer(bitPattern: raw)) }
}

extension LuaState {
    public var interruptHandle: LuaInterruptHandle { LuaInterruptHandle(raw: UInt(bitPattern: L)) }
}
