import ArgumentParser
import Foundation
import RenderPlan
import Scripting

extension RecipesCommand {
    /// `blendbatch recipes stubs [--out DIR]`
    struct Stubs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stubs", abstract: "Write Lua Language Server definitions of blendbatch's modules, for editors.",
            discussion: """
                Writes one ---@meta file per module (functions with their parameters, returns and docs, as \
                help() prints them), the job and report classes, and the recipe globals (recipe, fail, help). \
                VS Code (the Lua extension by sumneko/LuaLS) and Neovim (lua_ls) then complete and check recipe \
                code: point workspace.library in a .luarc.json at the folder — `blendbatch recipes new` writes \
                one beside each new recipe. Run it again after upgrading blendbatch.
                """)
        @Option(help: ArgumentHelp("Folder to write them in (default: $XDG_DATA_HOME/blendbatch/lua-stubs, else ~/.local/share/blendbatch/lua-stubs).",
                                   valueName: "dir"))
        var out: String?

        func run() throws {
            let folder = out ?? RecipeStubs.defaultFolder()
            do { try RecipeStubs.write(to: folder) } catch { throw CommandEnd(.ioError, "cannot write the stubs in \(folder): \(error.localizedDescription)") }
            print(folder)
        }
    }
}
