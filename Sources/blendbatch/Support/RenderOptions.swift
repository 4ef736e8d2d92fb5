import ArgumentParser
import Executors
import Foundation
import LuaKit
import RenderPlan
import Scripting

/// A render request on the command line, for `render`, `chaos` and `estimate`: the .blend file(s)
/// and `--kebab-case` options, read by the one declaration of a request (`RenderRequest.fields`)
/// with the recipe parameter grammar (`--name value`, `--name=value`, `--flag`, `--no-flag`).
struct RenderOptions: ParsableArguments {
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(
        "The .blend file(s), and render options (listed under RENDER OPTIONS above).", valueName: "file|option"))
    var words: [String] = []

    /// The request's fields as recipe parameters: what the words are read against.
    static let declaration = RecipeDeclaration(name: "render", parameters: RenderRequest.fields.map { RecipeParameter(field: $0.spec) })

    /// `RENDER OPTIONS:` for a command's help, from the declaration.
    static let help = "RENDER OPTIONS (also the render recipe's parameters and render.submit{}'s fields):\n"
        + RecipeArguments.optionRows(declaration.parameters, without: ["file"]).joined(separator: "\n")

    /// The bare words (the files) and the options' values; an unknown option or a bad value is one line, exit 64.
    func parsed(against declaration: RecipeDeclaration = Self.declaration) throws -> (files: [String], values: [String: LuaValue]) {
        for word in words where word.hasPrefix("--") && word.count > 2 {
            let key = String(word.dropFirst(2).prefix { $0 != "=" })
            let known = declaration.parameter(named: key)
                ?? (key.hasPrefix("no-") ? declaration.parameter(named: String(key.dropFirst(3))).flatMap { $0.kind == .bool ? $0 : nil } : nil)
            if known == nil || known?.name == "file" {
                throw CommandEnd(.usage, "unknown option '--\(key)' (blendbatch \(declaration.name) --help lists them)")
            }
        }
        do {
            let (values, files) = try RecipeArguments.parse(words, for: declaration)
            return (files, values)
        } catch { throw CommandEnd(.usage, "\(error)") }
    }

    /// The files named; at least one.
    func files(against declaration: RecipeDeclaration) throws -> [String] {
        let files = try parsed(against: declaration).files
        guard !files.isEmpty else { throw CommandEnd(.usage, "name the .blend file to render (blendbatch render FILE)") }
        return files
    }

    /// The request for `file` (into `out` instead of `--out` when given), from the words read against
    /// `declaration` (the request's fields, and maybe others the caller reads itself).
    func request(file: String, out: String? = nil, declaration: RecipeDeclaration = Self.declaration) throws -> RenderRequest {
        var values = try parsed(against: declaration).values
        values["file"] = .string(file)
        if let out { values["out"] = .string(out) }
        var request = RenderRequest(file: file)
        for field in RenderRequest.fields {
            guard let value = values[field.name], let given = RequestValue(lua: value) else { continue }
            do { try field.set(given, in: &request) } catch { throw CommandEnd(.usage, Self.asOption(error.message)) }
        }
        return request
    }

    /// A message that starts with a field's name (`chunk_time 'soon': …`), with the name spelt as
    /// the command line's option (`--chunk-time 'soon': …`).
    static func asOption(_ message: String) -> String {
        let name = message.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return "--" + name.replacingOccurrences(of: "_", with: "-") + message.dropFirst(name.count)
    }

    /// The local executor's settings for `request` (its workers and Blender).
    static func executorConfiguration(_ request: RenderRequest) -> LocalExecutor.Configuration {
        var configuration = LocalExecutor.Configuration(workers: request.workerCount)
        if let blender = request.blender { configuration.environment["BLENDBATCH_BLENDER"] = blender }
        return configuration
    }

    /// Read the .blend, check the options, and plan the job without measuring a frame.
    static func plan(_ request: RenderRequest, target: PlanTarget? = nil) async throws -> JobManifest {
        do { return try await request.plan(target: target) } catch { throw CommandEnd(error.code, error.message) }
    }
}
