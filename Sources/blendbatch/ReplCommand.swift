import ArgumentParser
import Foundation
import LuaKit
import REPL
import Scripting

/// `blendbatch repl`
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl", _superCommandName: "blendbatch",
        abstract: "Interactive Lua 5.4 with every blendbatch module loaded.",
        discussion: """
            Expressions print their value; an unfinished statement continues on the next line \
            (prompt `...>`). Tab completes globals and fields after `.` or `:`. help() lists the \
            modules, help(fn) documents a function. Ctrl-C cancels the line or interrupts a running \
            chunk; Ctrl-D exits. History is kept in $BLENDBATCH_HISTORY, else \
            $XDG_STATE_HOME/blendbatch/history, else ~/.local/state/blendbatch/history. \
            With input from a pipe, lines run without prompts and the exit status is 1 if any failed. \
            The REPL is your own session: it has all of Lua (io, os), unlike recipes.
            """)

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        global.bootstrap()
        let config = try RecipeExecution.studioConfig()  // the memory limit; recipes run from here obey the rest
        let status = try await LuaThread.run { () -> Int32 in
            let lua = try ScriptEngine.makeREPLState(config: config)
            return REPL(state: lua).run()
        }
        await ScriptEngine.cancelOutstandingJobs()
        try CommandEnd.unlessSuccess(status)
    }
}
