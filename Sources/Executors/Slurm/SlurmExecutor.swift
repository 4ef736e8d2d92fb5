import Foundation
import ObjectStore
import Render
import RenderPlan

/// Runs a job on a Slurm cluster: one `sbatch --array` per `MaxArraySize` chunks, each task the same
/// `blendbatch worker` on the same manifest (`SLURM_ARRAY_TASK_ID` is the task index), then a stitch
/// job `--dependency=afterok` on the arrays. The output is a folder or an `s3://` prefix; the job
/// folder (under the output folder, or for `s3://` in the state directory) must be on a filesystem
/// every node sees. AWS settings reach the tasks through sbatch's default `--export=ALL`, never
/// through the job folder. The tasks requeue themselves after an interruption or a failure
/// within the retry budget (`blendbatch task-hook slurm ended`), and Slurm requeues them on preemption.
public struct SlurmExecutor: Executor {
    /// How the job is placed on the cluster: `sbatch`'s own options.
    public struct Placement: Codable, Sendable, Equatable {
        public var partition: String?
        public var account: String?
        public var qos: String?
        /// Generic resources per task, e.g. `gpu:1`.
        public var gres: String?
        /// Time limit per task, in Slurm's format (`30`, `2:00:00`, `1-0`).
        public var time: String?
        /// At most this many tasks at once (`--array=…%N`); nil = as many as the cluster gives.
        public var throttle: Int?
        public var cpusPerTask: Int?

        public init() {}

        /// The `sbatch` options for these settings.
        var arguments: [String] {
            var arguments: [String] = []
            if let partition { arguments.append("--partition=\(partition)") }
            if let account { arguments.append("--account=\(account)") }
            if let qos { arguments.append("--qos=\(qos)") }
            if let gres { arguments.append("--gres=\(gres)") }
            if let time { arguments.append("--time=\(time)") }
            if let cpusPerTask { arguments.append("--cpus-per-task=\(cpusPerTask)") }
            return arguments
        }
    }

    public var placement: Placement
    public var retry: RetryPolicy
    /// The `blendbatch` the tasks run (this one by default: it must be at the same path on every node).
    public var binary: String
    /// Extra environment for the tasks (`BLENDBATCH_BLENDER`, …).
    public var environment: [String: String]
    /// Indices per array; nil = the cluster's `MaxArraySize`.
    public var maxArraySize: Int?
    /// The estimate the job was submitted with (`--time auto`), kept in the job folder's `cost.json`.
    public var estimate: CostEstimate?
    var cluster = SlurmCluster()

    public init(placement: Placement = Placement(), retry: RetryPolicy = RetryPolicy(), binary: String = SlurmExecutor.ownBinary,
                environment: [String: String] = [:]) {
        self.placement = placement
        self.retry = retry
        self.binary = binary
        self.environment = environment
    }

    /// The running executable's path.
    public static var ownBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public func submit(_ manifest: JobManifest) async throws -> any JobHandle {
        try await start(manifest)
    }

    /// Write the job folder and the task scripts, and submit the arrays and the stitch. With `after`, the
    /// arrays wait on the cluster (`afterok`) until those jobs succeeded; when one fails or is cancelled,
    /// Slurm cancels this job (`--kill-on-invalid-dep`) and its status says why.
    public func start(_ manifest: JobManifest, after: [SlurmJobHandle] = []) async throws -> SlurmJobHandle {
        let shared = try await Self.checkOutput(manifest.output.location)
        let folder = JobFolder(for: manifest)
        try folder.create(manifest: manifest)
        JobRegistry.record(id: manifest.id, folder: folder.path)
        if let estimate { CostRecord.update(folder: folder.path) { $0.estimate = estimate } }
        let scripts = folder.path + "/slurm"
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
        let render = try writeScript(SlurmScript.task(stage: .render, folder: folder, binary: binary, environment: environment, shared: shared),
                                     to: scripts + "/render.sh")

        let size = maxArraySize ?? cluster.maxArraySize()
        let prerequisites = after.flatMap { $0.record.slurmJobIDs }
        let dependency = prerequisites.isEmpty ? [] : ["--dependency=afterok:\(prerequisites.joined(separator: ":"))", "--kill-on-invalid-dep=yes"]
        var arrays: [SlurmJobRecord.Array] = []
        var offset = 0
        while offset < manifest.chunks.count {
            let count = min(size, manifest.chunks.count - offset)
            let throttle = placement.throttle.map { "%\($0)" } ?? ""
            let id = try cluster.submit(common(manifest, name: "render", folder: folder)
                                            + dependency + ["--array=0-\(count - 1)\(throttle)", "--requeue",
                                               "--export=ALL,\(SlurmScript.indexOffsetVariable)=\(offset)",
                                               "--output=\(folder.logsPath)/slurm-render-%A_%a.log"], script: render)
            arrays.append(.init(jobID: id, offset: offset, count: count))
            offset += count
        }
        var record = SlurmJobRecord(id: manifest.id, arrays: arrays, stitchJobID: nil, maxAttempts: retry.maxAttempts,
                                    maxInterruptions: retry.maxInterruptions, submittedAt: Date(), placement: placement,
                                    environment: environment, after: after.isEmpty ? nil : after.map(\.id))
        if manifest.stitch != nil {
            let stitch = try writeScript(SlurmScript.task(stage: .stitch, folder: folder, binary: binary, environment: environment, shared: shared),
                                         to: scripts + "/stitch.sh")
            let after = arrays.map(\.jobID).joined(separator: ":")
            record.stitchJobID = try cluster.submit(common(manifest, name: "stitch", folder: folder)
                                                        + ["--dependency=afterok:\(after)", "--kill-on-invalid-dep=yes", "--requeue",
                                                           "--output=\(folder.logsPath)/slurm-stitch-%j.log"], script: stitch)
        }
        try record.write(folder: folder)
        return try SlurmJobHandle(folder: folder, manifest: manifest, record: record)
    }

    /// Check that the tasks can write to `location`, before anything is written or submitted: a folder,
    /// or an `s3://` prefix whose bucket answers (an unknown bucket or refused credentials: a
    /// `SlurmError` with exit 76, as a local render into the store). Returns what every node must
    /// mount at the same path, for the tasks' own check.
    public static func checkOutput(_ location: String) async throws(SlurmError) -> String {
        let store: any ObjectStore
        do { store = try StoreOpener.open(StoreLocation(parsing: location)) } catch {
            throw SlurmError("--backend slurm renders into a folder every node sees or to s3://BUCKET/PREFIX; \(location) is neither (\(error))",
                             code: .usage)
        }
        if store.location.isLocal { return "--out on a filesystem every node mounts at the same path" }
        do { try await store.checkAnswers(outageLimit: LocalExecutor.defaultStoreOutageLimit()) } catch {
            throw SlurmError("\(error)", code: .storeError)
        }
        return "the state directory \(StateDirectory.jobs) (BLENDBATCH_STATE_DIR; an s3:// --out keeps its job folder there) "
            + "on a filesystem every node mounts at the same path"
    }

    /// Seconds before its time limit a task gets SIGTERM (`--signal=B:TERM@…`) to store its frames and requeue.
    public static let warningSeconds = 60

    /// Options every job of ours gets: a name, the placement, a working directory, append to logs across requeues.
    private func common(_ manifest: JobManifest, name: String, folder: JobFolder) -> [String] {
        ["--job-name=bb-\(name)-\(manifest.id)", "--chdir=\(folder.path)", "--open-mode=append", "--signal=B:TERM@\(Self.warningSeconds)"]
            + placement.arguments
    }

    private func writeScript(_ text: String, to path: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o755)
        return path
    }
}

/// The batch scripts: readable by cluster admins, nothing in them but the worker and the retry step.
enum SlurmScript {
    /// Slurm's index of a task in its array.
    static let indexVariable = "SLURM_ARRAY_TASK_ID"
    /// Where an array starts in the job's tasks (a job split into arrays above `MaxArraySize`).
    static let indexOffsetVariable = "BLENDBATCH_INDEX_OFFSET"

    /// The job's task index the Batch way (`AWS_BATCH_JOB_ARRAY_INDEX`, what the worker reads), from
    /// `environment`'s Slurm variables; nil outside an array task.
    static func taskIndex(_ environment: [String: String]) -> Int? {
        guard let index = environment[indexVariable].flatMap({ Int($0) }) else { return nil }
        return index + (environment[indexOffsetVariable].flatMap { Int($0) } ?? 0)
    }

    /// The batch script of `stage`; `shared` says what a node that cannot see the job folder lacks.
    static func task(stage: Stage, folder: JobFolder, binary: String, environment: [String: String], shared: String) -> String {
        var lines = ["#!/bin/sh",
                     "# blendbatch job \(folder.id), \(stage.rawValue) \(stage == .render ? "task (one per chunk)" : "of the frames into the video")",
                     "# (written by `blendbatch render --backend slurm`; the worker exits 0 done, 65/66/69/74 broken, 70/76 retry, 75 interrupted).",
                     "export \(WorkerTask.manifestVariable)=\(quoted(folder.manifestPath))",
                     "export \(SlurmTaskEnd.folderVariable)=\(quoted(folder.path))"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { lines.append("export \(name)=\(quoted(value))") }
        // A node that does not mount the output folder must not render into a local folder of its own.
        let missing = "blendbatch: \(folder.path) is not visible on $(hostname): --backend slurm needs \(shared)"
        lines.append("[ -d \(quoted(folder.path)) ] || { echo \"\(missing.replacingOccurrences(of: "\"", with: "\\\""))\" >&2; exit 66; }")
        // Each attempt is recorded in the job folder (slurm/attempts/, the report's timeline); its
        // number (1, 2, … across requeues and resumes) tags the frames the worker stores.
        lines.append("export AWS_BATCH_JOB_ATTEMPT=\"$(\(quoted(binary)) task-hook slurm started)\"")
        if stage == .render {
            lines.append("export \(WorkerTask.indexVariable)=$((${\(indexVariable):-0} + ${\(indexOffsetVariable):-0}))")
        }
        // The worker runs as a child so a SIGTERM for the batch shell (`--signal=B:TERM@60`, before the
        // time limit) reaches it: it stores what it finished and exits 75.
        lines += ["\(quoted(binary)) worker --stage \(stage.rawValue) &",
                  "pid=$!",
                  "trap 'kill -TERM $pid 2>/dev/null' TERM INT",
                  "wait $pid; code=$?",
                  "while kill -0 $pid 2>/dev/null; do wait $pid; code=$?; done",
                  "\(quoted(binary)) task-hook slurm ended \"$code\"",
                  "exit $code", ""]
        return lines.joined(separator: "\n")
    }

    /// A shell word in single quotes.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
