import ArgumentParser
import Executors
import Foundation
import RenderPlan

/// `sbatch` settings of `render --backend slurm`.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Slurm partition (default: the cluster's default partition).")
    var partition: String?

    @Option(help: "Slurm account to charge.")
    var account: String?

    @Option(help: "Slurm quality of service.")
    var qos: String?

    @Option(help: ArgumentHelp("Generic resources per task, e.g. gpu:1 (with --device cuda or optix).", valueName: "gres"))
    var gres: String?

    @Option(help: ArgumentHelp("Time limit per task in Slurm's format (30, 2:00:00, 1-0), or auto: render 3 sample frames here (kept; the tasks skip them) and cover the largest task at their p90 time plus Blender's start-up, × 1.5, at least 5 min. Tasks get SIGTERM 60 s before the limit, store what they finished and are requeued.", valueName: "time"))
    var time: String?

    var isGiven: Bool { partition != nil || account != nil || qos != nil || gres != nil || time != nil }

    func placement(workers: Int?) -> SlurmExecutor.Placement {
        var placement = SlurmExecutor.Placement()
        placement.partition = partition
        placement.account = account
        placement.qos = qos
        placement.gres = gres
        placement.time = time
        placement.throttle = workers
        return placement
    }
}

extension RenderCommand {
    /// `--backend slurm`: plan here, submit one array (per `MaxArraySize` chunks) and a dependent stitch
    /// with `sbatch`, print the job id and return; `--wait` follows the job to its end.
    func runOnSlurm() async throws {
        let code = try await SlurmFollow.submitted(try await submitToSlurm(), wait: wait, json: json)
        if code != 0 { Foundation.exit(code) }
    }

    /// Check the options, plan `file` and submit it; the handle of the submitted job.
    func submitToSlurm() async throws -> SlurmJobHandle {
        if queue != nil || jobDefinition != nil { fail(.usage, "--queue and --job-definition are for --backend aws; Slurm takes --partition") }
        if chaos != nil { fail(.usage, "--chaos is for the local backend; on Slurm, preempt a task with scontrol requeue") }
        if resume { fail(.usage, "--resume is for the local backend; on Slurm use `blendbatch resume JOB`") }
        if options.chunkTime != nil { fail(.usage, "--chunk-time measures on this machine; with --backend slurm give --chunk") }
        if maxCost != nil || maxTime != nil || cost.given { fail(.usage, "--max-cost and --max-time are not for --backend slurm yet; give --time for a per-task limit (--time auto sizes it from sample frames)") }
        var environment: [String: String] = [:]
        if let blender = options.blender { environment["BLENDBATCH_BLENDER"] = blender }
        let (manifest, executor): (JobManifest, SlurmExecutor)
        do {
            (manifest, executor) = try await SlurmPlanning.plan(options.request(file: file), for: SlurmExecutor(
                placement: slurm.placement(workers: options.workers), environment: environment)) { printError("blendbatch: " + $0) }
        } catch { throw CommandEnd(error.code, error.message) }
        do { return try await executor.start(manifest) } catch let error as SlurmError {
            fail(error.code, error.message)
        } catch { fail(.ioError, "submitting job \(manifest.id) to Slurm: \(error)") }
    }
}

/// Printing and following a Slurm job for `render`, `status` and `resume`.
enum SlurmFollow {
    static func lines(_ handle: SlurmJobHandle) -> [String] {
        let arrays = handle.record.arrays.map { "array \($0.jobID) (\($0.count) tasks)" }.joined(separator: ", ")
        return ["slurm: \(arrays)\(handle.record.stitchJobID.map { ", stitch \($0) (afterok)" } ?? "")",
                "logs: \(handle.folder.logsPath)",
                "follow: blendbatch status \(handle.id)   cancel: blendbatch cancel \(handle.id)"]
    }

    /// Print a submitted job (its id, or its record with `json`); with `wait`, follow it to its end and
    /// print its summary. The exit code `render` gives it.
    static func submitted(_ handle: SlurmJobHandle, wait: Bool, json: Bool) async throws -> Int32 {
        guard wait else {
            if json { try printJSON(handle.record) } else {
                print(handle.id)
                printError(lines(handle).joined(separator: "\n"))
            }
            return 0
        }
        printError("job \(handle.id) submitted\n" + lines(handle).joined(separator: "\n"))
        let bar = ProgressBar(label: "rendering on Slurm", total: Set(handle.manifest.allFrames).count, job: handle.id)
        let report = await handle.wait { event in
            if case .frameDone(_, let done, _) = event { bar.update(done: done, detail: "") }
        }
        bar.finish()
        if json { try printJSON(report) } else { print(report.summaryLines.joined(separator: "\n")) }
        return JobWatch.exitCode(report)
    }
}

/// `blendbatch slurm-task-ended CODE`: the last line of a Slurm task's batch script (not for people).
struct SlurmTaskEndedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-task-ended", _superCommandName: "blendbatch",
        abstract: "Apply the retry policy after a Slurm task's worker ended (run by the task's batch script).",
        shouldDisplay: false)

    @Argument(help: "The worker's exit code.")
    var code: Int32

    func run() throws {
        let decision = SlurmTaskEnd.handle(code: code)
        if decision != .done { printError("blendbatch: " + decision.summary(code: code)) }
    }
}

extension SlurmFollow {
    /// `status`, `cancel` and `resume` of a job whose folder says it runs on Slurm; false for other jobs.
    static func status(_ folder: JobFolder, json: Bool) async throws -> Bool {
        guard let handle = try SlurmJobHandle.open(folder) else { return false }
        let status: JobStatus
        do { status = try await handle.currentStatus() } catch let error as SlurmError { fail(error.code, error.message) }
        if json { try printJSON(status) } else { print((status.summaryLines + lines(handle)).joined(separator: "\n")) }
        return true
    }

    static func cancel(_ folder: JobFolder, json: Bool) async throws -> Bool {
        guard let handle = try SlurmJobHandle.open(folder) else { return false }
        await handle.cancel()
        let status = await handle.status()
        if json { try printJSON(status) } else { print(status.summaryLines.joined(separator: "\n")) }
        return true
    }

    /// Submit the job again: its tasks skip the frames already in the store.
    static func resume(_ folder: JobFolder, json: Bool, wait: Bool) async throws -> Bool {
        guard let handle = try SlurmJobHandle.open(folder) else { return false }
        let current = try? await handle.currentStatus()
        if let current, !current.state.isFinal { fail(.usage, "job \(handle.id) is still \(current.state.rawValue) on Slurm; resume it when it ended") }
        await handle.cancel()
        handle.uncancel()
        let resumed: SlurmJobHandle
        do { resumed = try await SlurmExecutor(placement: handle.record.placement ?? .init(), environment: handle.record.environment ?? [:]).start(handle.manifest) }
        catch let error as SlurmError { fail(error.code, error.message) }
        let code = try await submitted(resumed, wait: wait, json: json)
        if code != 0 { Foundation.exit(code) }
        return true
    }
}
