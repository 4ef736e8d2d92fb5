import Foundation
import LuaKit
import RenderPlan
import Scripting

/// Runs a recipe for `blendbatch run` and `blendbatch render`: on a Lua thread of its own,
/// sandboxed unless trusted. Ctrl-C interrupts the chunk through Lua's hook, and SIGTERM/SIGHUP
/// do the same; a job the recipe is waiting for (`job:wait`) is then cancelled cleanly (a second
/// signal kills its tasks) and the recipe sees its report. A job the recipe started and did not wait
/// for is cancelled when it ends, since this process is its controller. Returns the exit code.
enum RecipeExecution {
    /// The recipe `spec` names (a name on the recipe path, a file or a URL); exits 66 when there is
    /// none, 76 when its store cannot be read.
    static func find(_ spec: String) async -> RecipeSource {
        do { return try await RecipeLibrary().find(spec) } catch let error as RecipeError {
            if case .notFound = error { fail(.noInput, error.description) }
            fail(.storeError, error.description)
        } catch {
            fail(.storeError, "\(error)")
        }
    }

    /// The recipe's declaration (nil for a plain script); exits 65 when it cannot be read.
    static func declaration(of source: RecipeSource) -> RecipeDeclaration? {
        do { return try source.declaration() } catch { fail(.dataError, "\(error)") }
    }

    static func run(_ source: RecipeSource, values: [String: LuaValue], arguments: [String], trusted: Bool) async throws -> Int32 {
        let code = try await LuaThread.run { () -> Int32 in
            let lua = try ScriptEngine.makeState(trusted: trusted)
            let interrupt = lua.interruptHandle
            let forwarded = JobSignals.count([SIGTERM, SIGHUP]) { _ in interrupt.interrupt() }
            defer { forwarded.forEach { $0.cancel() } }
            return runChunk(lua) { try RecipeRunner.run(source, values: values, arguments: arguments, in: lua) }
        }
        await ScriptEngine.cancelOutstandingJobs()
        return code
    }

    /// Run `body` with Ctrl-C handling. Lua errors print `error: <message>` plus the traceback (exit 1);
    /// `fail(message, code)` prints `blendbatch: <message>` and exits with its code.
    static func runChunk(_ lua: LuaState, _ body: () throws -> Int32) -> Int32 {
        do {
            return try lua.withInterruptHandling(body)
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
