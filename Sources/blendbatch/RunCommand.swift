import ArgumentParser
import Foundation
import LuaKit
import RenderPlan
import Scripting

/// `blendbatch run FILE.lua [args...] [--trust]`
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", _superCommandName: "blendbatch",
        abstract: "Run a Lua recipe.",
        discussion: """
            A recipe's declared parameters become options: `blendbatch run preview --file shot.blend \
            --percent 50`; `blendbatch run preview --help` lists them. Other words reach the recipe as \
            `...` and in the global `arg` table (arg[0] is the recipe), as with lua5.4. Recipes run sandboxed: no io, os.execute or binary chunks; \
            everything goes through blendbatch's modules, which reach only the paths and URLs given as the recipe's \
            parameters and arguments, its jobs' outputs and store.temp() (else exit 77). --trust gives the recipe all of Lua. \
            A Lua error prints `error: <message>` and the traceback on stderr and exits 1. A recipe \
            chooses its exit code by ending its chunk with `return <0-255>`, or by \
            `fail(message, code)`: one line `blendbatch: <message>` on stderr, no traceback, exit code \
            `code` (a number, or a name as render.submit returns: 'usage' 64, 'data_error' 65, \
            'no_input' 66; default 1). \
            Put recipe arguments after `--` to pass words that look like options.
            """)

    @Flag(help: "Give the recipe all of Lua (io, os, package.loadlib) and everything on this machine.")
    var trust = false

    @Flag(help: "Run the cached copy of a remote recipe when its store cannot be reached (with a warning naming its age).")
    var offline = false

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
        guard !words.isEmpty else { throw CommandEnd(.usage, "run needs a recipe: blendbatch run NAME|FILE.lua|s3://.../x.lua [--param value...]") }
        let spec = words.removeFirst()
        // --trust may also come after the recipe (before a `--`).
        let end = words.firstIndex(of: "--") ?? words.endIndex
        let trusted = trust || words[..<end].contains("--trust")
        if offline || words[..<end].contains("--offline") { setenv("BLENDBATCH_OFFLINE", "1", 1) }  // nested recipes.run too
        words = words[..<end].filter { $0 != "--trust" && $0 != "--offline" } + words[end...]

        let source = try await RecipeExecution.find(spec)
        let declaration = try RecipeExecution.declaration(of: source)
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
                throw CommandEnd(.usage, "\(error)\n(see: blendbatch run \(spec) --help)")
            }
        }
        let status = try await RecipeExecution.run(source, values: values, arguments: arguments, trusted: trusted)
        try CommandEnd.unlessSuccess(status)
    }
}
