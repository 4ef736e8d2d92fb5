import Executors
import Foundation
import LuaKit
import RenderPlan
import Scripting

/// The recipe `render` runs on this machine: the first `render.lua` on the recipe path — a studio's
/// own earlier on the path wins over the bundled one — and what its declaration takes.
struct RenderRecipe {
    let source: RecipeSource
    let declaration: RecipeDeclaration

    /// The words `render` reads for it: its parameters, then the request's fields and the schedulers'
    /// options it does not take (refused by name, not as unknown words).
    var words: RecipeDeclaration {
        let others = (RenderOptions.declaration.parameters + RenderCommand.schedulerParameters).filter { declaration.parameter(named: $0.name) == nil }
        return RecipeDeclaration(name: "render", parameters: declaration.parameters + others)
    }

    static func find() async throws -> RenderRecipe {
        let source = try await RecipeExecution.find("render")
        if source.origin != "bundled" { printError("recipe: \(source.location) (from \(source.origin))") }
        guard let declaration = try RecipeExecution.declaration(of: source) else {
            throw CommandEnd(.dataError, "\(source.location): a render recipe must declare its parameters (recipe { params = {...} })")
        }
        return RenderRecipe(source: source, declaration: declaration)
    }
}

extension RenderCommand {
    /// `--backend local`: run `recipe` with `file` (into `out` instead of `--out`) and the options as
    /// its parameters. Returns its exit code.
    func run(_ recipe: RenderRecipe, file: String, out: String? = nil) async throws -> Int32 {
        _ = try options.request(file: file, out: out, declaration: recipe.words)  // the fields' values checked, named as options
        var given = try options.parsed(against: recipe.words).values
        for name in given.keys.sorted() where recipe.declaration.parameter(named: name) == nil {
            if let owner = Backends.owner(of: name) {
                throw CommandEnd(.usage, "--\(name.replacingOccurrences(of: "_", with: "-")) is for --backend \(owner.name)")
            }
            throw CommandEnd(.usage, "\(recipe.source.location) (the render recipe) has no parameter '\(name)'")
        }
        given["file"] = .string(file)
        if let out { given["out"] = .string(out) }
        if json { given["json"] = .boolean(true) }
        let values: [String: LuaValue]
        do { values = try RecipeArguments.complete(given, for: recipe.declaration) } catch { throw CommandEnd(.usage, "\(error)") }
        return try await RecipeExecution.run(recipe.source, values: values, arguments: [], trusted: false)
    }
}
