import Executors
import Foundation
import LuaKit
import Scripting

extension RenderCommand {
    /// `--backend local`: run the recipe named `render` from the recipe path — a studio's own
    /// `render.lua` earlier on the path wins over the bundled one — with `file` and the options as
    /// its parameters (read against its own declaration, so its own parameters are options too).
    /// Returns its exit code.
    func runRecipe(file: String, out: String? = nil) async throws -> Int32 {
        let source = await RecipeExecution.find("render")
        if source.origin != "bundled" { printError("recipe: \(source.location) (from \(source.origin))") }
        guard let declaration = RecipeExecution.declaration(of: source) else {
            throw CommandEnd(.dataError, "\(source.location): a render recipe must declare its parameters (recipe { params = {...} })")
        }
        let schedulers = Backends.schedulers.flatMap { backend in backend.fields.map { RecipeParameter(field: $0) } }
        var given = try options.parsed(against: RecipeDeclaration(name: "render", parameters: declaration.parameters + schedulers)).values
        for name in given.keys.sorted() where declaration.parameter(named: name) == nil {
            if let owner = Backends.owner(of: name) {
                throw CommandEnd(.usage, "--\(name.replacingOccurrences(of: "_", with: "-")) is for --backend \(owner.name)")
            }
            throw CommandEnd(.usage, "\(source.location) (the render recipe) has no parameter '\(name)'")
        }
        given["file"] = .string(file)
        if let out { given["out"] = .string(out) }
        if json { given["json"] = .boolean(true) }
        let values: [String: LuaValue]
        do { values = try RecipeArguments.complete(given, for: declaration) } catch { throw CommandEnd(.usage, "\(error)") }
        return try await RecipeExecution.run(source, values: values, arguments: [], trusted: false)
    }
}
