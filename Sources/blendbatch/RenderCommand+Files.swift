import Chaos
import Executors
import Foundation
import RenderPlan

extension RenderCommand {
    /// `render a.blend b.blend … --out DIR`: one job per file into `DIR/<file name>/`, each run as
    /// `render FILE --out DIR/<name>` would be (locally one after another; on a scheduler all
    /// submitted at once). Every file is planned first, so a bad one stops the run before anything
    /// renders. Ends with the worst job's code.
    func runEach(_ files: [String], recipe: RenderRecipe? = nil, on scheduler: (any SchedulerBackend.Type)? = nil) async throws {
        let words = recipe?.words ?? Self.declaration
        let folder = try options.request(file: files[0], declaration: words).out ?? "out"
        let names = files.map { RenderRequest(file: $0).name }
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw CommandEnd(.usage, "two files are named \(twice): their jobs would share \(folder)/\(twice); rename one or render them separately")
        }
        let outs = names.map { folder + "/" + $0 }
        guard let recipe else { return try await submitEach(files, outs: outs, to: scheduler!) }
        for (file, out) in zip(files, outs) {
            let request = try options.request(file: file, out: out, declaration: words)
            if let chaos = request.chaos { do { _ = try ChaosSpec(parsing: chaos) } catch { throw CommandEnd(.usage, "\(error)") } }
            _ = try await RenderOptions.plan(request)
        }
        var worst: Int32 = 0
        var lines: [String] = []
        for (file, out) in zip(files, outs) {
            printError("== \(file) → \(out)")
            let status = try await run(recipe, file: file, out: out)
            lines.append("\(file): \(status == 0 ? "done" : "exit \(status)") → \(out)")
            worst = max(worst, status)
        }
        print(lines.joined(separator: "\n"))
        try CommandEnd.unlessSuccess(worst)
    }
}
