import Executors
import Foundation
import LuaKit
import ObjectStore
import RenderPlan

/// What submitting a job asks of the sandbox, and what it hands back: the job's output and folder.
extension Capabilities {
    /// `render.submit{...}`: the .blend read, `out` written (none: the command's own `out/<name>` in
    /// the current folder), `blender=` run, and with `backend='aws'` a `job_definition=` other than
    /// the stack's (it names the image that runs). The .blend may also be the input a job recorded in
    /// an output the recipe was handed (re-rendering frames of that job).
    func requireRender(_ options: [String: LuaValue], _ args: LuaArgs) throws {
        guard !isTrusted else { return }
        if let file = options["file"]?.stringValue, !recordedInput(file) { try require(.read, file, args) }
        if let out = options["out"]?.stringValue { try require(.write, out, args) }
        try requireProgram(options["blender"]?.stringValue, option: "blender", args)
        try requireProgram(options["job_definition"]?.stringValue, option: "job_definition", args)
    }

    /// `batch.submit(manifest, options)`: a plain job id (its folder stays inside the output), the
    /// input read, the output written, `blender=` and `worker=` run.
    func requireJob(_ manifest: JobManifest, options: [String: LuaValue], _ args: LuaArgs) throws {
        let plain = !manifest.id.isEmpty && !manifest.id.hasPrefix(".")
            && manifest.id.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        guard plain else { throw args.error(1, "job id '\(manifest.id)': use letters, digits, '-', '_' and '.'") }
        guard !isTrusted else { return }
        if !recordedInput(manifest.input) { try require(.read, manifest.input, args) }
        try require(.write, manifest.output.location, args)
        try requireProgram(options["blender"]?.stringValue, option: "blender", args)
        try requireProgram(options["worker"]?.stringValue, option: "worker", args)
    }

    /// Hand the recipe a job it submitted: its output, its folder, its id.
    func grantJob(_ job: LuaJob) {
        grant(job.manifest.output.location)
        grantJob(id: job.handle.id, folder: job.handle.folderPath)
    }

    /// Whether `file` is the input of a job recorded in a handed output folder
    /// (`<out>/.blendbatch/jobs/*/manifest.json`), as `recipes/frame_range.lua` re-renders it.
    private func recordedInput(_ file: String) -> Bool {
        guard let wanted = LocationScope(file) else { return false }
        let fm = FileManager.default
        for case .local(let folder) in handedPlaces.map(\.location) {
            let jobs = folder + "/.blendbatch/jobs"
            for id in (try? fm.contentsOfDirectory(atPath: jobs)) ?? [] {
                guard let data = fm.contents(atPath: jobs + "/" + id + "/manifest.json"),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let input = object["input"] as? String else { continue }
                if LocationScope(input) == wanted { return true }
            }
        }
        return false
    }
}
