import Foundation
import LuaKit
import RenderPlan

extension LuaModule {
    /// `recipes`: find, check and run recipes from Lua (the REPL's `recipes()` and `run(...)`).
    static let recipes = LuaModule("recipes", doc: "Find, check and run recipes on the recipe path (BLENDBATCH_RECIPE_PATH, ~/.config/blendbatch/recipes, bundled).") { m in
        m.function("list", doc: "recipes.list() -> {{name, description, origin, location, params}...}\nEvery recipe on the recipe path, with its declared parameters.") { args in
            let library = RecipeLibrary()
            let listing = try args.wait { await library.list() }
            return .value(RecipeListingView.views(listing.recipes.filter { !$0.shadowed }))
        }
        m.function("run", doc: """
            recipes.run(name, params [, {trust = bool}]) -> true | nil, message, code
            Run a recipe by name or location with a table of parameters. It runs sandboxed unless the caller
            is trusted and passes trust = true (or the studio configuration trusts its origin); a sandboxed
            caller's recipe runs sandboxed, with the caller's own reach. Nesting is limited (8 deep).
            A recipe that ends with fail(message, code) or returns a non-zero exit code gives nil, message, code.
            """) { args in
            let spec = try args.string(1)
            let params = try args.optionalTable(2)?.tableValue ?? [:]
            let askedTrust = try args.optionalTable(3)?["trust"].boolValue ?? false
            let caller = Capabilities.of(args)
            let config = args.owner?.userInfo[StudioConfig.key] as? StudioConfig ?? StudioConfig()
            let depth = (args.owner?.userInfo[RecipeRunner.depthKey] as? Int ?? 0) + 1
            guard depth <= config.recipeDepthLimit else {
                throw args.error("recipes nested more than \(config.recipeDepthLimit) deep (does a recipe run itself?); "
                                 + "recipe_depth_limit in the studio configuration changes the limit")
            }
            if askedTrust { try caller.requireTrust(args) }
            if RecipeLibrary.isLocation(spec) { try caller.require(.read, spec, args) }
            let library = RecipeLibrary()
            let source = try args.wait { try await library.find(spec) }
            let declaration = try source.declaration()
            var values: [String: LuaValue] = [:]
            if let declaration {
                values = try RecipeArguments.complete(try RecipeArguments.check(params, for: declaration), for: declaration)
            }
            let trust = caller.isTrusted && (askedTrust || config.trusts(recipeAt: source.location))
            let capabilities = trust ? .trusted()
                : caller.isTrusted ? .sandbox(values: values, declaration: declaration, arguments: [], config: config) : caller
            let inner = try ScriptEngine.makeState(trusted: trust, capabilities: capabilities, config: config)
            inner.userInfo[RecipeRunner.depthKey] = depth
            let code: Int32
            do {
                code = try inner.withInterruptHandling { try RecipeRunner.run(source, values: values, in: inner) }
            } catch let error as LuaError {
                if case .interrupted = error { throw error }
                return .failure(error.message, code: "recipe_failed")
            } catch let exit as RecipeExit {
                return .failure(exit.message, code: ExitCode(rawValue: exit.code)?.name ?? "recipe_failed")
            }
            guard code == 0 else { return .failure("recipe \(spec) ended with exit code \(code)", code: ExitCode(rawValue: code)?.name ?? "recipe_failed") }
            return .value(.boolean(true))
        }
        m.function("check", doc: "recipes.check(name) -> declaration | nil, message, code\nRead a recipe's declaration and compile it without running it.") { args in
            let spec = try args.string(1)
            if RecipeLibrary.isLocation(spec) { try Capabilities.of(args).require(.read, spec, args) }
            let library = RecipeLibrary()
            let source = try args.wait { try await library.find(spec) }
            let declaration = try RecipeCheck.check(source)
            return .value(RecipeListingView(source: source, declaration: declaration))
        }
    }
}

extension RecipeError: LuaRepresentableError {
    public var luaCode: String {
        switch self {
        case .badDeclaration: "bad_declaration"
        case .badParameter: "bad_parameter"
        case .notFound: "not_found"
        case .unavailable: "unavailable"
        }
    }
}

/// A recipe as Lua and `--json` see it.
struct RecipeListingView: Encodable {
    struct Param: Encodable {
        var name: String, type: String, required: Bool, help: String
        var `default`: LuaValue?
    }
    var name: String
    var description: String
    var origin: String
    var location: String
    var params: [Param]
    var problem: String?

    init(source: RecipeSource, declaration: RecipeDeclaration?, problem: String? = nil) {
        name = declaration?.name ?? source.name
        description = declaration?.description ?? ""
        origin = source.origin
        location = source.location
        params = (declaration?.parameters ?? []).map {
            Param(name: $0.name, type: $0.kind.rawValue, required: $0.required, help: $0.help,
                  default: $0.defaultValue.isNil ? nil : $0.defaultValue)
        }
        self.problem = problem
    }

    static func views(_ listings: [RecipeListing]) -> [RecipeListingView] {
        listings.map { RecipeListingView(source: $0.source, declaration: $0.declaration, problem: $0.problem) }
    }
}
