import ArgumentParser
import Foundation
import Scripting

/// `blendbatch config`: the studio configuration this process uses, as the add-on and scripts read it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", _superCommandName: "blendbatch",
        abstract: "Show the studio configuration in effect: trusted recipes, recipe path, submission defaults.",
        discussion: """
            Read from /etc/blendbatch/config.json, then $XDG_CONFIG_HOME/blendbatch/config.json \
            (~/.config/blendbatch/config.json); $BLENDBATCH_CONFIG names one file to read instead. \
            "defaults" (backend, queue, job_definition, out, recipe, device, percent, samples) pre-fill \
            the Blender add-on's form; `render --backend aws` takes its queue and job definition from \
            them too. "recipe_path" is searched after $BLENDBATCH_RECIPE_PATH. See README, Security model.
            """)

    @Flag(help: "Print JSON.") var json = false

    /// What `config --json` prints.
    struct Shown: Encodable {
        var files: [String]
        var trusted_recipes: [String]
        var allowed_programs: [String]
        var recipe_path: [String]
        var defaults: SubmitDefaults
        var lua_memory_limit: Int
        var recipe_depth_limit: Int
    }

    func run() throws {
        let config = try RecipeExecution.studioConfig()
        let shown = Shown(files: config.files, trusted_recipes: config.trustedRecipes, allowed_programs: config.allowedPrograms,
                          recipe_path: config.recipePath, defaults: config.defaults,
                          lua_memory_limit: config.luaMemoryLimit, recipe_depth_limit: config.recipeDepthLimit)
        if json { return try printJSON(shown) }
        print("files: " + (config.files.isEmpty ? "(none; built-in defaults)" : config.files.joined(separator: ", ")))
        func list(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: ", ") }
        print("trusted_recipes: \(list(config.trustedRecipes))")
        print("allowed_programs: \(list(config.allowedPrograms))")
        print("recipe_path: \(list(config.recipePath))")
        let d = config.defaults
        let pairs: [(String, String?)] = [("backend", d.backend), ("queue", d.queue), ("job_definition", d.jobDefinition), ("out", d.out),
                                          ("recipe", d.recipe), ("device", d.device), ("percent", d.percent.map(String.init)),
                                          ("samples", d.samples.map(String.init))]
        print("defaults: " + list(pairs.compactMap { key, value in value.map { "\(key)=\($0)" } }))
        print("lua_memory_limit: \(config.luaMemoryLimit) bytes, recipe_depth_limit: \(config.recipeDepthLimit)")
    }
}
