import ArgumentParser
import Foundation
import LuaKit
import RenderPlan
import Scripting

/// `blendbatch recipes [list|new|check|stubs]`
struct RecipesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipes", _superCommandName: "blendbatch",
        abstract: "List, create and check Lua recipes.",
        discussion: """
            Recipes are found on the recipe path: $BLENDBATCH_RECIPE_PATH (colon-separated folders or \
            store prefixes such as s3://studio/recipes/), then $XDG_CONFIG_HOME/blendbatch/recipes \
            (~/.config/blendbatch/recipes), then the bundled recipes ($BLENDBATCH_RECIPES_DIR \
            overrides where those are). Remote recipes are cached by ETag.
            """,
        subcommands: [List.self, New.self, Check.self, Stubs.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List recipes with their parameters.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        mutating func run() async throws {
            global.bootstrap()
            let (recipes, problems) = await RecipeLibrary().list()
            for problem in problems { printError("warning: \(problem)") }
            if json {
                try printJSON(recipes.map(RecipeJSON.init))
                return
            }
            if recipes.isEmpty { print("No recipes found. `blendbatch recipes new NAME` writes a starter recipe."); return }
            for listing in recipes {
                let name = listing.declaration?.name ?? listing.source.name
                let hidden = listing.shadowed ? " (hidden by an earlier one)" : ""
                print("\(name)  —  \(listing.declaration?.description ?? listing.problem ?? "(plain script)")\(hidden)")
                print("    from \(listing.source.origin): \(listing.source.location)")
                for p in listing.declaration?.parameters ?? [] {
                    var line = "    \(p.flag) \(p.placeholder)".padding(toLength: 34, withPad: " ", startingAt: 0) + " " + p.help
                    if p.required { line += " (required)" }
                    print(line)
                }
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new", abstract: "Write a documented starter recipe NAME.lua.",
            discussion: "Also writes the editor definitions (recipes stubs) and, when the folder has none, a .luarc.json pointing at them.")
        @Argument(help: "The recipe's name (letters, digits, - and _).") var name: String
        @Option(help: "Folder to write it in (default: the current folder).") var out: String = "."

        func run() throws {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw CommandEnd(.usage, "recipe names use letters, digits, - and _ (got '\(name)')")
            }
            let path = (out as NSString).appendingPathComponent(name + ".lua")
            guard !FileManager.default.fileExists(atPath: path) else { throw CommandEnd(.usage, "\(path) already exists; not overwriting it") }
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try RecipeTemplate.starter(name: name).write(toFile: path, atomically: true, encoding: .utf8)
                let stubs = RecipeStubs.defaultFolder(), luarc = (out as NSString).appendingPathComponent(".luarc.json")
                try RecipeStubs.write(to: stubs)
                if !FileManager.default.fileExists(atPath: luarc) {
                    try RecipeStubs.luarc(stubs: stubs).write(toFile: luarc, atomically: true, encoding: .utf8)
                }
            } catch {
                throw CommandEnd(.ioError, "cannot write \(path): \(error.localizedDescription)")
            }
            print(path)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a recipe's declaration and syntax without running it.")
        @Argument(help: "A recipe file, name or URL.") var recipe: String

        mutating func run() async throws {
            do {
                let source = try await RecipeLibrary().find(recipe)
                let declaration = try RecipeCheck.check(source)
                if let declaration {
                    print("ok: \(declaration.name) — \(declaration.parameters.count) parameter(s)")
                } else {
                    print("ok: \(source.location) (plain script, no recipe declaration)")
                }
            } catch let error as RecipeError {
                if case .notFound = error { throw CommandEnd(.noInput, error.description) }
                if case .unavailable = error { throw CommandEnd(.storeError, error.description) }
                throw CommandEnd(.dataError, error.description)
            }
        }
    }
}

/// `blendbatch recipes --json` rows.
private struct RecipeJSON: Encodable {
    var name: String, description: String, origin: String, location: String
    var params: [RecipeParameter]
    var problem: String?
    var shadowed: Bool
    init(_ l: RecipeListing) {
        name = l.declaration?.name ?? l.source.name
        description = l.declaration?.description ?? ""
        origin = l.source.origin
        location = l.source.location
        params = l.declaration?.parameters ?? []
        problem = l.problem
        shadowed = l.shadowed
    }
}
