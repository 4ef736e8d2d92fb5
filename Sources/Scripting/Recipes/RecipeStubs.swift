import Executors
import Foundation
import LuaKit

/// The Lua Language Server definition files for recipe authors (`blendbatch recipes stubs`): one
/// per module, the job and report classes and the recipe globals, all from the declarations
/// `help()` prints, plus the `.luarc.json` that points an editor at them.
public enum RecipeStubs {
    /// Words in signatures that name our classes.
    static let types = ["job": "blendbatch.Job", "report": "blendbatch.Report", "manifest": "table", "experiment": "blendbatch.FISExperiment"]

    /// File name → contents.
    public static func files() -> [String: String] {
        var files: [String: String] = [:]
        for module in ModuleRegistry.modules { files[module.name + ".lua"] = LuaStubs.module(module, types: types) }
        files["blendbatch.lua"] = (["---@meta blendbatch", ""]
            + [LuaStubs.objectClass(LuaJob.self, types: types),
               LuaStubs.objectClass(FISExperimentObject.self, types: types), reportClass, globals]).joined(separator: "\n")
        return files
    }

    /// Write the files into `folder` (made if needed); returns their paths.
    @discardableResult
    public static func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try files().sorted { $0.key < $1.key }.map { name, text in
            let path = folder + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    /// Where `recipes stubs` and `recipes new` put them: `$XDG_DATA_HOME/blendbatch/lua-stubs`
    /// (default `~/.local/share/blendbatch/lua-stubs`).
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/blendbatch/lua-stubs"
    }

    /// `.luarc.json` for a recipe folder: Lua 5.4, the stubs as a library, the recipe globals known.
    public static func luarc(stubs: String) -> String {
        """
        {
          "$schema": "https://raw.githubusercontent.com/LuaLS/vscode-lua/master/setting/schema.json",
          "runtime.version": "Lua 5.4",
          "workspace.library": ["\(stubs)"],
          "workspace.checkThirdParty": false,
          "diagnostics.globals": ["recipe", "fail", "help"]
        }

        """
    }

    /// The end report of `job:wait()` and `job:status()`: the job status fields, named as Lua sees them.
    static var reportClass: String {
        let sample = JobStatus(id: "", state: .queued, framesTotal: 0, framesDone: 0, tasksTotal: 0)
        let fields = Mirror(reflecting: sample).children.compactMap { child -> (name: String, type: String)? in
            guard let name = child.label else { return nil }
            return (name, luaType(Swift.type(of: child.value)))
        }
        return LuaStubs.fieldsClass("blendbatch.Report", doc: "A job's report (job:wait(), job:status()).",
                                    fields: fields + [("exit_code", "integer"), ("handler_errors", "string[]?")])
    }

    private static func luaType(_ type: Any.Type) -> String {
        let name = "\(type)"
        let optional = name.hasPrefix("Optional<")
        let inner = optional ? String(name.dropFirst(9).dropLast()) : name
        let lua = switch inner {
        case "String", "JobState", "TaskState": "string"
        case "Int", "Int32": "integer"
        case "Double": "number"
        case "Bool": "boolean"
        default: inner.hasPrefix("Array<") ? "table[]" : "any"
        }
        return lua + (optional ? "?" : "")
    }

    /// `recipe`, `fail` and `help`, the globals every recipe has.
    static let globals = """
        ---Declare the recipe (must come first): name, description and params ({name=, type='string'|'int'|'number'|
        ---'bool'|'path'|'frames', default=, required=, help=}); returns the parameter values.
        ---@param declaration {name: string, description: string, params: table[]}
        ---@return table params
        function recipe(declaration) end

        ---End the recipe now: `blendbatch: <message>` on stderr, exit code `code` (0-255 or a name such as 'no_input').
        ---@param message string
        ---@param code? integer|string
        function fail(message, code) end

        ---help() lists the modules, help(module) its functions, help(fn) one function's doc.
        ---@param what? any
        function help(what) end

        """
}
