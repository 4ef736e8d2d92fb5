import ArgumentParser
import Foundation
import LuaKit
import RenderPlan
import Scripting

/// `blendbatch run FILE.lua [args...] [--trust]`
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua recipe.",
        discussion: """
            A recipe's declared parameters become options: `blendbatch run preview --file shot.blend \
            --percent 50`; `blendbatch run preview --help` lists them. Other words reach the recipe as \
            `...` and in the global `arg` table (arg[0] is the recipe), as with lua5.4. Recipes run sandboxed: no io, os.execute or binary chunks; \
            everything goes through blendbatch's modules. --trust gives the recipe all of Lua. \
            A Lua error prints `error: <message>` and the traceback on stderr and exits 1. \
            Put recipe arguments after `--` to pass words that look like options.
            """)

    @Flag(help: "Give the recipe all of Lua (io, os, package.loadlib).")
    var trust = false

    @OptionGroup var global: GlobalOptions

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "A recipe name (from the recipe path, see `blendbatch recipes`), a file, or an s3:// URL; then its --params and arguments.",
        valueName: "recipe [--param value...] [args]"))
    var words: [String] = []

    mutating func run() async throws {
        global.bootstrap()
        var words = self.words
        if let first = words.first, first == "--help" || first == "-h" {
            print(Self.helpMessage())
            return
        }
        guard !words.isEmpty else { fail(.usage, "run needs a recipe: blendbatch run NAME|FILE.lua|s3://.../x.lua [--param value...]") }
        let spec = words.removeFirst()
        // --trust may also come after the recipe (before a `--`).
        let end = words.firstIndex(of: "--") ?? words.endIndex
        let trusted = trust || words[..<end].contains("--trust")
        words = words[..<end].filter { $0 != "--trust" } + words[end...]

        let source: RecipeSource
        do { source = try await RecipeLibrary().find(spec) } catch let error as RecipeError {
            if case .notFound = error { fail(.noInput, error.description) }
            fail(.storeError, error.description)
        }
        let declaration: RecipeDeclaration?
        do { declaration = try source.declaration() } catch { fail(.dataError, "\(error)") }
        if source.isRemote { printError("recipe: \(source.location) (from \(source.origin))") }

        var values: [String: LuaValue] = [:]
        var arguments = words
        if let dashdash = arguments.firstIndex(of: "--") { arguments.remove(at: dashdash) }
        if let declaration {
            let optionsEnd = words.firstIndex(of: "--") ?? words.endIndex
            if words[..<optionsEnd].contains(where: { $0 == "--help" || $0 == "-h" }) {
                print(RecipeArguments.help(for: declaration, origin: "\(source.location) (\(source.origin))"))
                return
            }
            do {
                let parsed = try RecipeArguments.parse(words, for: declaration)
                values = try RecipeArguments.complete(parsed.values, for: declaration)
                arguments = parsed.positional
            } catch {
                fail(.usage, "\(error)\n(see: blendbatch run \(spec) --help)")
            }
        }
        let recipeValues = values, recipeArguments = arguments
        let status = try await LuaThread.run { () -> Int32 in
            let lua = try ScriptEngine.makeState(trusted: trusted)
            return Self.runChunk(lua) { try RecipeRunner.run(source, values: recipeValues, arguments: recipeArguments, in: lua) }
        }
        if status != 0 { Foundation.exit(status) }
    }

    /// Run `body` with Ctrl-C handling; print Lua errors as `error: <message>` plus traceback.
    static func runChunk(_ lua: LuaState, _ body: () throws -> Void) -> Int32 {
        do {
            try lua.withInterruptHandling(body)
            return RenderPlan.ExitCode.success.rawValue
        } catch LuaError.runtime(let message, let traceback) {
            printError("error: \(message)" + (traceback.isEmpty ? "" : "\n\(traceback)"))
        } catch LuaError.interrupted {
            printError("error: interrupted")
            return RenderPlan.ExitCode.cancelled.rawValue
        } catch {
            printError("error: \(error)")
        }
        return RenderPlan.ExitCode.failure.rawValue
    }
}
