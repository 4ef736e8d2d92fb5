public import LuaKit

/// Runs a recipe: its declared parameters come back from the `recipe { ... }` call as a table of
/// typed values, its extra words are in `arg` (as lua.c sets it) and `...`.
public enum RecipeRunner {
    static let parametersKey = "recipe.parameters"

    /// Run `source` in `lua` with `values` (already parsed and completed) and positional `arguments`.
    public static func run(_ source: RecipeSource, values: [String: LuaValue], arguments: [String] = [], in lua: LuaState) throws {
        lua.userInfo[parametersKey] = LuaValue.table(values)
        lua.setArgTable(script: source.location, arguments: arguments)
        try lua.run(source.text, name: source.chunkName, arguments: arguments.map { .string($0) })
    }

    /// Define the global `recipe`: returns the recipe's parameter values (from the command line or
    /// `run(...)`), or, when the file runs on its own (`dofile`), the declaration's defaults.
    static func installRecipeFunction(in lua: LuaState) {
        lua.stack.push(function: "recipe") { args in
            if let values = args.owner?.userInfo[parametersKey] as? LuaValue { return .value(values) }
            let fields = try args.table(1).tableValue ?? [:]
            let declaration: RecipeDeclaration
            do {
                declaration = try RecipeDeclaration(fields: fields, at: "recipe", fallbackName: "recipe")
                return .value(.table(try RecipeArguments.complete([:], for: declaration)))
            } catch let error as RecipeError {
                throw LuaError.raise(error.description)
            }
        }
        lua.stack.setGlobal("recipe")
    }
}
