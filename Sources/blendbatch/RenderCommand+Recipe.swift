import Foundation
import LuaKit
import RenderPlan
import Scripting

extension RenderCommand {
    /// `--backend local`: run the recipe named `render` from the recipe path — a studio's own
    /// `render.lua` earlier on the path wins over the bundled one — with the options as its
    /// parameters. Returns its exit code.
    func runRecipe() async throws -> Int32 {
        let source = try await RecipeExecution.find("render")
        if source.origin != "bundled" { printError("recipe: \(source.location) (from \(source.origin))") }
        guard let declaration = try RecipeExecution.declaration(of: source) else {
            fail(.dataError, "\(source.location): a render recipe must declare its parameters (recipe { params = {...} })")
        }
        let given = recipeParameters
        for name in given.keys.sorted() where declaration.parameter(named: name) == nil {
            fail(.usage, "\(source.location) (the render recipe) has no parameter '\(name)'")
        }
        let values: [String: LuaValue]
        do { values = try RecipeArguments.complete(given, for: declaration) } catch { fail(.usage, "\(error)") }
        return try await RecipeExecution.run(source, values: values, arguments: [], trusted: false)
    }

    /// The options as the render recipe's parameters: the file and every option given (flags only when set).
    var recipeParameters: [String: LuaValue] {
        var values: [String: LuaValue] = ["file": .string(file)]
        let texts = ["scene": options.scene, "frames": options.frames, "chunk_time": options.chunkTime, "engine": options.engine,
                     "format": options.format, "out": options.out, "blender": options.blender, "chaos": chaos,
                     "device": options.device, "denoise": options.denoise?.rawValue, "max_time": maxTime]
        let numbers = ["chunk": options.chunk, "percent": options.percent, "samples": options.samples, "workers": options.workers]
        for case let (name, text?) in texts { values[name] = .string(text) }
        for case let (name, number?) in numbers { values[name] = .integer(number) }
        let flags = ["video": options.noVideo ? false : nil, "allow_gaps": options.allowGaps ? true : nil,
                     "resume": resume ? true : nil, "json": json ? true : nil,
                     "persistent_data": options.noPersistentData ? false : nil,
                     "allow_older_blender": options.allowOlderBlender ? true : nil,
                     "keep_existing": options.keepExisting ? true : nil,
                     "frames_in_scene": options.framesInScene ? true : nil]
        for case let (name, flag?) in flags { values[name] = .boolean(flag) }
        return values
    }
}
