import Foundation
import ObjectStore
import Render
import RenderPlan
import Synchronization

/// Runs a job's array on this machine: N tasks of `blendbatch worker` on a pool of `workers` slots,
/// each started with the environment AWS Batch gives an array child (`AWS_BATCH_JOB_ARRAY_INDEX`,
/// `AWS_BATCH_JOB_ID`, `AWS_BATCH_JOB_ATTEMPT`) plus `BLENDBATCH_MANIFEST`, then the stitch task.
/// State lives in `<out>/.blendbatch/jobs/<id>/` (for an `s3://` output, in `StateDirectory.jobs`;
/// see `JobFolder`), so another process can follow, cancel or resume the job, also after this one died.
public struct LocalExecutor: Executor {
    public struct Configuration: Sendable {
        /// Parallel task slots.
        public var workers: Int
        /// The task command; the stitch runs it with `--stage stitch` appended.
        public var workerCommand: [String]
        /// Variables added to the inherited environment of every task (e.g. `BLENDBATCH_BLENDER`).
        public var environment: [String: String]
        public var policy: RetryPolicy
        public var hooks: [any TaskHook]
        /// Seconds a task has to stop after SIGTERM on cancel, before SIGKILL.
        public var cancelGrace: Double
        /// How often the controller looks at frames, logs and cancel requests.
        public var pollInterval: Double
        /// The output store; nil = the store the manifest's output location names (a folder or S3).
        public var store: (any ObjectStore)?
        /// The folder holding `.blendbatch/jobs/`; nil = the manifest's output folder, or
        /// `StateDirectory.jobs` itself for a store-URL output.
        public var stateFolder: String?
        /// Seconds the output store may fail without a sign of life before the job ends with 76
        /// (default 2 minutes, or `BLENDBATCH_STORE_OUTAGE_LIMIT`: `90`, `30s`, `5m`).
        public var storeOutageLimit: Double
        /// `--max-time`: seconds of wall time after which no new task starts (running ones finish and
        /// keep their frames; the job ends with 75 and `resume` finishes it). nil = no limit.
        public var maxTimeSeconds: Double?

        public init(workers: Int = LocalExecutor.defaultWorkers(),
                    workerCommand: [String] = LocalExecutor.defaultWorkerCommand,
                    environment: [String: String] = [:], policy: RetryPolicy = RetryPolicy(),
                    hooks: [any TaskHook] = [], cancelGrace: Double = 10, pollInterval: Double = 0.25,
                    store: (any ObjectStore)? = nil, stateFolder: String? = nil,
                    storeOutageLimit: Double = LocalExecutor.defaultStoreOutageLimit()) {
            self.workers = max(1, workers)
            self.workerCommand = workerCommand
            self.environment = environment
            self.policy = policy
            self.hooks = hooks
            self.cancelGrace = cancelGrace
            self.pollInterval = pollInterval
            self.store = store
            self.stateFolder = stateFolder
            self.storeOutageLimit = storeOutageLimit
        }

        /// What every task starts with: this process's environment with `environment` on top.
        var taskEnvironment: [String: String] {
            ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// 2 minutes, or `BLENDBATCH_STORE_OUTAGE_LIMIT` when it holds a duration.
    public static func defaultStoreOutageLimit() -> Double { StoreOutage.limit() }

    /// Task slots for this machine: at least 2 (Blender's start-up and file saving are mostly
    /// single-threaded, a second task fills the gaps), a quarter of the cores on big machines, at most 8.
    public static func defaultWorkers(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        min(8, max(2, cores / 4))
    }

    /// Planning for this machine: `workers` tasks at once, each Blender with its share of the threads.
    public static func planTarget(workers: Int) -> PlanTarget {
        PlanTarget(slots: workers, threadsPerTask: threadsPerTask(workers: workers))
    }

    /// Blender render threads per task: twice each task's share of the cores (at most all of them), so
    /// a task in a single-threaded phase (start-up, scene sync, saving a frame) leaves its cores to the
    /// others instead of idle. On the demo this beat an exact share in every paired run (1.5–9 %).
    public static func threadsPerTask(workers: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        max(1, min(cores, 2 * cores / max(1, workers)))
    }

    /// The task command: `$BLENDBATCH_WORKER` when set (e.g. a wrapper that runs the worker in a
    /// container, or a stand-in for benchmarks), else this program's own `worker` subcommand (in a
    /// host such as `lua5.4`: the blendbatch it found, see `hostWorker`).
    public static var defaultWorkerCommand: [String] {
        if let custom = ProcessInfo.processInfo.environment["BLENDBATCH_WORKER"], !custom.isEmpty {
            return custom.split(separator: " ").map(String.init)
        }
        if let program = hostWorker.withLock({ $0 }), !program.isEmpty { return [program, "worker"] }
        return [selfExecutable, "worker"]
    }

    /// This program's own path (the tasks run the same binary).
    public static var selfExecutable: String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return CommandLine.arguments.first ?? "blendbatch"
    }

    /// The job folder a manifest's job gets.
    public func folder(for manifest: JobManifest) throws -> JobFolder {
        if let stateFolder = configuration.stateFolder { return JobFolder(output: stateFolder, id: manifest.id) }
        return JobFolder(for: manifest)
    }

    public func submit(_ manifest: JobManifest) async throws -> any JobHandle {
        try await start(manifest)
    }

    /// Start a new job: create its folder, write the manifest, run.
    /// A remote store that cannot be reached throws its `StoreError` before anything is created.
    /// With `after`, the job's tasks start only once every prerequisite succeeded (see `JobPrerequisite`).
    public func start(_ manifest: JobManifest, after: [JobPrerequisite] = []) async throws -> LocalJobHandle {
        do { try manifest.validate() } catch {
            throw ExecutorError.badJobFolder(JobFolder.jobsRoot(forOutput: manifest.output.location), reason: error.description)
        }
        let folder = try folder(for: manifest)
        guard !folder.exists else { throw ExecutorError.badJobFolder(folder.path, reason: "a job with this id exists already") }
        let store = try await reachableStore(for: manifest)
        try folder.create(manifest: manifest)
        JobRegistry.record(id: manifest.id, folder: folder.path)
        return try await run(folder: folder, manifest: manifest, store: store, previous: [], after: after)
    }

    /// Resume a job whose controller ended or died: stop the dead run's orphaned processes, then run
    /// again every task with frames missing from the store (and the stitch).
    public func resume(_ folder: JobFolder) async throws -> LocalJobHandle {
        let manifest = try folder.readManifest()
        let store = try await reachableStore(for: manifest)
        let lock = try folder.lock()
        let journal = try Journal(path: folder.journalPath)
        let stopped = await JobControl.stopOrphans(folder: folder, jobID: manifest.id, journal: journal, grace: 3)
        return try await run(folder: folder, manifest: manifest, store: store, previous: Journal.read(path: folder.journalPath),
                             lock: lock, orphansStopped: stopped)
    }

    /// The job's output store; a remote one is asked for the first of its frames once, so an unknown
    /// bucket, refused credentials or an unreachable endpoint (one that does not answer within a
    /// listing's time, see `StoreOutage`) fail here, before any task starts.
    private func reachableStore(for manifest: JobManifest) async throws -> any ObjectStore {
        let store = try configuration.store ?? Self.outputStore(for: manifest)
        try await store.checkAnswers(outageLimit: configuration.storeOutageLimit)
        return store
    }

    private func run(folder: JobFolder, manifest: JobManifest, store: any ObjectStore, previous: [JournalEntry],
                     lock: ControllerLock? = nil, orphansStopped: Int = 0, after: [JobPrerequisite] = []) async throws -> LocalJobHandle {
        let lock = try lock ?? folder.lock()
        var configuration = self.configuration
        configuration.environment.merge(await renderPreferences()) { $1 }
        let run = try LocalRun(manifest: manifest, folder: folder, configuration: configuration, store: store,
                               lock: lock, previous: previous)
        if orphansStopped > 0 { await run.note("stopped \(orphansStopped) orphaned process(es) of the previous run") }
        if let warning = StoreOutage.ignoredSetting() { await run.note(warning) }
        return LocalJobHandle(folder: folder, run: run, after: after)
    }

    /// `RenderPreferences` for the Blender the tasks will run (made once per Blender build, on a
    /// thread of its own: the first time, that is one Blender launch). Empty when the tasks'
    /// environment already names a `BLENDER_USER_CONFIG`.
    private func renderPreferences() async -> [String: String] {
        let environment = configuration.taskEnvironment, cache = StateDirectory.base
        guard let blender = try? ToolLocator.locate(.blender, environment: environment),
              BlenderExecutable(path: blender).kind == .blender else { return [:] }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: RenderPreferences.environment(blender: blender, cache: cache, environment: environment))
            }
        }
    }

    /// The store the manifest's output location names: a folder, or S3 with the AWS settings of the
    /// environment (what the workers, which inherit it, use too).
    public static func outputStore(for manifest: JobManifest) throws -> any ObjectStore {
        try StoreOpener.open(StoreLocation(parsing: manifest.output.location))
    }
}

/// A job run by this process's `LocalExecutor`.
public final class LocalJobHandle: JobHandle {
    public let folder: JobFolder
    let run: LocalRun
    private let task: Task<JobStatus, Never>
    /// Holds the job until the jobs it comes after ended (nil: it starts at once).
    private let gate: StartGate?

    init(folder: JobFolder, run: LocalRun, after: [JobPrerequisite] = []) {
        self.folder = folder
        self.run = run
        let gate = after.isEmpty ? nil : StartGate(after: after)
        self.gate = gate
        task = Task {
            if let gate, let blocker = await gate.passage() { return await run.skip(reason: blocker) }
            return await run.run()
        }
    }

    public var id: String { folder.id }

    public func status() async -> JobStatus { await run.snapshot() }

    public func wait(onEvent: @escaping @Sendable (JobEvent) -> Void) async -> JobStatus {
        await run.subscribe(onEvent)
        return await task.value
    }

    /// A job still waiting for the jobs it comes after ends at once, cancelled.
    public func cancel() async {
        await run.cancel()
        gate?.open(nil)
    }

    /// The end report, without subscribing to the job's events (they stay for whoever waits).
    public func finished() async -> JobStatus { await task.value }

    /// SIGKILL every running task now (after `cancel`, when waiting for the grace period is too long).
    public func kill() async { await run.killNow() }
}
