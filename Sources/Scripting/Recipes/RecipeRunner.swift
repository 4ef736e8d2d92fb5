public import LuaKit
import RenderPlan

/// Runs a recipe: its declared parameters come back from the `recipe { ... }` call as a table of
/// typed values, its extra words are in `arg` (as lua.c sets it) and `...`. A recipe ends with an
/// exit code by `return <0-255>` from its chunk, or by `fail(message, code)`.
public enum RecipeRunner {
    static let parametersKey = "recipe.parameters"
    /// How many `recipes.run` calls a state's recipe runs inside (`userInfo`; absent: 0).
    static let depthKey = "recipe.depth"

    /// Run `source` in `lua` with `values` (already parsed and completed) and positional `arguments`.
    /// Returns the exit code the chunk returned (0 when it returned no integer); throws `RecipeExit`
    /// when the recipe called `fail(...)`.
    @discardableResult
    public static func run(_ source: RecipeSource, values: [String: LuaValue], arguments: [String] = [], in lua: LuaState) throws -> Int32 {
        lua.userInfo[parametersKey] = LuaValue.table(values)
        lua.userInfo[RecipeExit.key] = nil
        lua.setArgTable(script: source.location, arguments: arguments)
        let results: [LuaValue]
        do {
            results = try lua.run(source.text, name: source.chunkName, arguments: arguments.map { .string($0) })
        } catch LuaError.runtime(let message, _) where (lua.userInfo[RecipeExit.key] as? RecipeExit)?.line == message {
            throw lua.userInfo[RecipeExit.key] as! RecipeExit
        }
        guard case .integer(let code)? = results.first else { return 0 }
        guard (0...255).contains(code) else {
            throw LuaError.runtime(message: "\(source.location): the recipe returned \(code); an exit code is 0-255", traceback: "")
        }
        return Int32(code)
    }

    /// Define the globals `recipe` (returns the recipe's parameter values, from the command line or
    /// `run(...)`, or, when the file runs on its own (`dofile`), the declaration's defaults) and `fail`.
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
        lua.stack.push(function: "fail") { args in
            let failure = RecipeExit(message: try args.string(1), code: RecipeExit.code(args.value(2)))
            args.owner?.userInfo[RecipeExit.key] = failure
            throw LuaError.runtime(message: failure.line, traceback: "")
        }
        lua.stack.setGlobal("fail")
    }
}

/// `fail(message [, code])`: the recipe ends, `blendbatch: <message>` is its one stderr line (no
/// traceback) and `code` its exit code — an integer 0-255, or a failure code name as
/// `render.submit` returns it (`'no_input'` → 66); otherwise 1.
public struct RecipeExit: Error, Equatable, CustomStringConvertible {
    static let key = "recipe.exit"
    public var message: String
    public var code: Int32

    /// The stderr line.
    public var line: String { "blendbatch: \(message)" }
    public var description: String { line }

    static func code(_ value: LuaValue) -> Int32 {
        switch value {
        case .integer(let n) where (0...255).contains(n): Int32(n)
        case .string(let name): ExitCode(name: name)?.rawValue ?? Int32(name).flatMap { (0...255).contains($0) ? $0 : nil } ?? 1
        default: ExitCode.failure.rawValue
        }
    }
}
