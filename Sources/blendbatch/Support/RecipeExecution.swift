import Foundation
import LuaKit
import RenderPlan
import Scripting

/// Runs a recipe for `blendbatch run` and `blendbatch render`: on a Lua thread of its own,
/// sandboxed (reaching only what its parameters hand it) unless `--trust` or the studio
/// configuration trusts its origin. Ctrl-C interrupts the chunk through Lua's hook, and SIGTERM/SIGHUP
/// do the same; a job the recipe is waiting for (`job:wait`) is then cancelled cleanly (a second
/// signal kills its tasks) and the recipe sees its report. A job the recipe started and did not wait
/// for is cancelled when it ends, since this process is its controller. Returns the exit code.
enum RecipeExecution {
    /// The recipe `spec` names (a name on the recipe path, a file or a URL); ends the command with 66
    /// when there is none, 76 when its store cannot be read.
    static func find(_ spec: String) async throws -> RecipeSource {
        do {
            let source = try await RecipeLibrary().find(spec)
            if let warning = source.warning { printError(warning) }
            return source
        } catch let error as RecipeError {
            if case .notFound = error { throw CommandEnd(.noInput, error.description) }
            throw CommandEnd(.storeError, error.description)
        } catch {
            throw CommandEnd(.storeError, "\(error)")
        }
    }

    /// The recipe's declaration (nil for a plain script); ends the command with 65 when it cannot be read.
    static func declaration(of source: RecipeSource) throws -> RecipeDeclaration? {
        do { return try source.declaration() } catch { throw CommandEnd(.dataError, "\(error)") }
    }

    /// The studio configuration; ends the command with 65 (a bad file) or 64 (a bad setting) when it
    /// cannot be used.
    static func studioConfig() throws -> StudioConfig {
        do { return try StudioConfig.load() } catch {
            throw CommandEnd(error.description.hasPrefix("BLENDBATCH_") ? .usage : .dataError, error.description)
        }
    }

    static func run(_ source: RecipeSource, values: [String: LuaValue], arguments: [String], trusted: Bool) async throws -> Int32 {
        let config = try studioConfig()
        let trust = trusted || config.trusts(recipeAt: source.location)
        let declaration = try? source.declaration()
        let code = try await LuaThread.run { () -> Int32 in
            let capabilities = trust ? Capabilities.trusted()
                : Capabilities.sandbox(values: values, declaration: declaration, arguments: arguments, config: config)
            let lua = try ScriptEngine.makeState(trusted: trust, capabilities: capabilities, config: config)
            let interrupt = lua.interruptHandle
            let forwarded = JobSignals.count([SIGTERM, SIGHUP]) { _ in
                interrupt.interrupt()
                LuaState.interruptRunningChunk()  // a recipe that recipes.run started inside this one
            }
            defer { forwarded.forEach { $0.cancel() } }
            return runChunk(lua, memoryLimit: config.luaMemoryLimit) {
                try RecipeRunner.run(source, values: values, arguments: arguments, in: lua)
            }
        }
        await ScriptEngine.cancelOutstandingJobs()
        return code
    }

    /// Run `body` with Ctrl-C handling. Lua errors print `error: <message>` plus the traceback (exit 1);
    /// `fail(message, code)` prints `blendbatch: <message>` and exits with its code.
    static func runChunk(_ lua: LuaState, memoryLimit: Int, _ body: () throws -> Int32) -> Int32 {
        do {
            return try lua.withInterruptHandling(body)
        } catch LuaError.runtime(let message, _) where message.hasSuffix("not enough memory") {
            printError("error: not enough memory: the recipe holds more than the Lua memory limit (\(memoryLimit >> 20) MiB; "
                       + "BLENDBATCH_LUA_MEMORY_LIMIT or lua_memory_limit in the studio configuration changes it)")
        } catch LuaError.runtime(let message, let traceback) {
            printError("error: \(message)" + (traceback.isEmpty ? "" : "\n\(traceback)"))
        } catch LuaError.interrupted {
            printError("error: interrupted")
            return RenderPlan.ExitCode.cancelled.rawValue
        } catch let exit as RecipeExit {
            printError(exit.line)
            return exit.code
        } catch {
            printError("error: \(error)")
        }
        return RenderPlan.ExitCode.failure.rawValue
    }
}
