import Chaos
import Executors
import Foundation
import RenderPlan

extension RenderCommand {
    /// `render a.blend b.blend … --out DIR`: one job per file into `DIR/<file name>/`, each run as
    /// `render FILE --out DIR/<name>` would be (locally one after another; on Slurm and AWS Batch all
    /// submitted at once). Every file is planned first, so a bad one stops the run before anything renders. Exits
    /// with the worst job's code.
    func runEach() async throws {
        let folder = options.out ?? "out"
        let names = files.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            fail(.usage, "two files are named \(twice): their jobs would share \(folder)/\(twice); rename one or render them separately")
        }
        if let chaos { do { _ = try ChaosSpec(parsing: chaos) } catch { fail(.usage, "\(error)") } }
        for (file, name) in zip(files, names) { _ = await options.plan(file: file, out: folder + "/" + name) }
        if backend == .slurm || backend == .aws { return try await submitEach(folder: folder, names: names) }
        var worst: Int32 = 0
        var lines: [String] = []
        for (file, name) in zip(files, names) {
            var one = self
            one.files = [file]
            one.options.out = folder + "/" + name
            printError("== \(file) → \(folder)/\(name)")
            let status = try await one.runRecipe()
            lines.append("\(file): \(status == 0 ? "done" : "exit \(status)") → \(folder)/\(name)")
            worst = max(worst, status)
        }
        print(lines.joined(separator: "\n"))
        if worst != 0 { Foundation.exit(worst) }
    }

    /// On a scheduler (Slurm, AWS Batch) every job is submitted first, so they run side by side; with
    /// `--wait` each is then followed to its end, in order.
    private func submitEach(folder: String, names: [String]) async throws {
        var follows: [() async throws -> Int32] = []
        for (file, name) in zip(files, names) {
            var one = self
            one.files = [file]
            one.options.out = folder + "/" + name
            if backend == .slurm {
                let handle = try await one.submitToSlurm()
                follows.append { try await SlurmFollow.submitted(handle, wait: wait, json: json) }
            } else {
                let (handle, budget) = try await one.submitToAWS()
                follows.append { try await AWSJobCommands.submitted(handle, wait: wait, json: json, spendLimit: budget?.0) }
            }
        }
        var worst: Int32 = 0
        for follow in follows { worst = max(worst, try await follow()) }
        if worst != 0 { Foundation.exit(worst) }
    }
}
