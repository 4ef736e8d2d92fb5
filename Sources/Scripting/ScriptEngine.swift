public import LuaKit

/// Creates Lua states with every registered module, for recipes, the REPL and the plugin.
public enum ScriptEngine {
    /// Cancel, cleanly and with a line on stderr each, the jobs scripts started in this process and
    /// never waited for: call it when a recipe or REPL session ends, since this process is their
    /// controller. Returns their ids.
    @discardableResult
    public static func cancelOutstandingJobs() async -> [String] { await LuaJob.cancelOutstanding() }

    /// A state with `ModuleRegistry.modules` registered.
    /// - Parameters:
    ///   - trusted: full Lua (REPL, `--trust`); otherwise the sandbox for shared recipes.
    ///   - modulesAsGlobals: also expose each module as a global (the REPL does).
    ///   - capabilities: what the modules let its code touch (default: everything when trusted,
    ///     nothing when sandboxed).
    ///   - config: the studio configuration (memory limit, allowed programs, recipe depth).
    public static func makeState(trusted: Bool, modulesAsGlobals: Bool = false, capabilities: Capabilities? = nil,
                                 config: StudioConfig = StudioConfig()) throws -> LuaState {
        let lua = try LuaState(libraries: trusted ? .all : .sandboxed, memoryLimit: config.luaMemoryLimit)
        (capabilities ?? (trusted ? .trusted() : .sandbox(values: [:], declaration: nil, arguments: [], config: config))).install(in: lua)
        lua.userInfo[StudioConfig.key] = config
        lua.register(ModuleRegistry.modules, asGlobals: modulesAsGlobals)
        RecipeRunner.installRecipeFunction(in: lua)
        return lua
    }

    /// The REPL's state: full Lua, modules as globals, plus `recipes()` (list) and
    /// `run(name, params)`.
    public static func makeREPLState(config: StudioConfig = StudioConfig()) throws -> LuaState {
        let lua = try makeState(trusted: true, modulesAsGlobals: true, config: config)
        try lua.run("""
            local recipes = require 'recipes'
            function run(name, params, options) return recipes.run(name, params, options) end
            setmetatable(recipes, {__call = function(_, ...)
              local list = recipes.list()
              for _, r in ipairs(list) do
                local params = {}
                for _, p in ipairs(r.params) do params[#params + 1] = '--' .. p.name:gsub('_', '-') end
                print(string.format('%-20s %-50s %s', r.name, r.description, table.concat(params, ' ')))
              end
              return #list .. ' recipes'
            end})
            """, name: "=repl-setup")
        return lua
    }
}
