public import LuaKit

/// Creates Lua states with every registered module, for recipes, the REPL and the plugin.
public enum ScriptEngine {
    /// A state with `ModuleRegistry.modules` registered.
    /// - Parameters:
    ///   - trusted: full Lua (REPL, `--trust`); otherwise the sandbox for shared recipes.
    ///   - modulesAsGlobals: also expose each module as a global (the REPL does).
    public static func makeState(trusted: Bool, modulesAsGlobals: Bool = false) throws -> LuaState {
        let lua = try LuaState(libraries: trusted ? .all : .sandboxed)
        lua.register(ModuleRegistry.modules, asGlobals: modulesAsGlobals)
        return lua
    }
}
