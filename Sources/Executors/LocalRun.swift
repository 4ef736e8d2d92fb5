import Foundation
import ObjectStore
import RenderPlan

/// One controller run of a local job: schedules task attempts on the worker slots, applies the retry
/// policy, journals every step, and tells subscribers what happens.
actor LocalRun: TaskControl {
    nonisolated let manifest: JobManifest
    private let folder: JobFolder
    private let configuration: LocalExecutor.Configuration
    nonisolated let store: any ObjectStore
    private let journal: Journal
    private var lock: ControllerLock?
    private let baseEnvironment: [String: String]
    private let runNumber: Int
    private var ledger: JobLedger

    // Frames.
    private let allFrames: Set<Int>
    private var done: Set<Int> = []
    private var foundAtStart = 0
    /// Frames each array index still owns (failed frames are taken out).
    private var chunkFrames: [Int: [Int]]
    /// Indexes whose chunk changed: their tasks read `manifests/task-<i>.json`.
    private var rewrittenChunks: Set<Int> = []
    /// Counted failures per frame (render) and of the stitch.
    private var frameFailures: [Int: Int] = [:]
    private var stitchFailures = 0
    private var interruptionsByTask: [TaskKey: Int] = [:]
    /// When the latest listing of the store's frames began.
    private var lastListing = Date.distantPast
    private var outage: StoreOutage
    /// Listings in flight, cancelled when the job is cancelled (a frozen endpoint must not hold it).
    private var listings: [Int: Task<Set<String>, Error>] = [:]
    private var listingCount = 0

    // Scheduling.
    private struct Running {
        var attempt: Int
        var pid: Int32
        var startedAt: Date
        var marker: String
        var noticed = false
        var cancelled = false
        var tail: LogTail
    }
    private var queue = TaskQueue()
    private var running: [TaskKey: Running] = [:]
    private var stitchQueued = false
    private var cancelRequested = false
    private var fatalReason: String?
    private var fatalCode: Int32?
    /// Why the job ends without running (a job it comes after did not succeed).
    private var skipReason: String?
    private let startedAt = Date()
    private var finished: JobStatus?
    /// The live `report.html`: when it is next due (the first a few seconds in, leaving the start-up its CPU), and the write in flight.
    private var reportDue = Date().addingTimeInterval(Double(ReportHTML.refreshSeconds) / 2)
    private var reportWrite: Task<Void, Never>?

    // Events.
    private var subscribers: [@Sendable (JobEvent) -> Void] = []
    private var buffered: [JobEvent] = []

    init(manifest: JobManifest, folder: JobFolder, configuration: LocalExecutor.Configuration,
         store: any ObjectStore, lock: ControllerLock, previous: [JournalEntry]) throws {
        self.manifest = manifest
        self.folder = folder
        self.configuration = configuration
        self.store = store
        self.lock = lock
        journal = try Journal(path: folder.journalPath)
        try FileManager.default.createDirectory(atPath: folder.logsPath, withIntermediateDirectories: true)
        ledger = JobLedger(replaying: previous)
        runNumber = ledger.runs + 1
        baseEnvironment = configuration.taskEnvironment
        allFrames = Set(manifest.allFrames)
        chunkFrames = Dictionary(uniqueKeysWithValues: manifest.chunks.map { ($0.index, $0.frames) })
        outage = StoreOutage(limit: configuration.storeOutageLimit)
    }

    // MARK: Events

    func subscribe(_ handler: @escaping @Sendable (JobEvent) -> Void) {
        for event in buffered { handler(event) }
        buffered = []
        subscribers.append(handler)
    }

    private func emit(_ event: JobEvent) {
        if subscribers.isEmpty {
            if buffered.count < 100_000 { buffered.append(event) }
        } else {
            for subscriber in subscribers { subscriber(event) }
        }
    }

    func note(_ message: String) { emit(.message(message)) }

    private func record(_ entry: JournalEntry) {
        journal.append(entry)
        ledger.apply(entry)
    }

    // MARK: The run

    func run() async -> JobStatus {
        record(JournalEntry(.run, run: runNumber, log: nil, reason: "controller pid \(getpid())"))
        done = await framesInStore() ?? []
        foundAtStart = done.count
        if foundAtStart > 0 { emit(.message("\(foundAtStart) of \(allFrames.count) frames already in the store; rendering only the missing ones")) }
        for (count, frame) in done.sorted().enumerated() { emit(.frameDone(frame: frame, done: count + 1, total: allFrames.count)) }
        for chunk in manifest.chunks {
            let key = TaskKey(stage: .render, index: chunk.index)
            if chunk.frames.allSatisfy(done.contains) {
                if ledger.tasks[key]?.state != .succeeded {
                    record(JournalEntry(.exit, stage: .render, task: chunk.index, decision: .succeeded, reason: "all frames already in the store"))
                }
            } else {
                queue.append(key)
            }
        }

        let ticker = Task { [weak self, interval = configuration.pollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                await self?.tick()
            }
        }
        await schedule()
        ticker.cancel()
        return await finish()
    }

    /// End without starting a task: `reason` says why (see `JobPrerequisite`).
    func skip(reason: String) async -> JobStatus {
        skipReason = reason
        record(JournalEntry(.run, run: runNumber, log: nil, reason: reason))
        done = await framesInStore() ?? []
        foundAtStart = done.count
        return await finish()
    }

    private enum Wake: Sendable {
        case exited(TaskKey, attempt: Int, TaskExit)
        case timer
    }

    private func schedule() async {
        await withTaskGroup(of: Wake.self) { group in
            var timerArmed = false
            while true {
                if !cancelRequested && fatalReason == nil { launchReady(into: &group) }
                if running.isEmpty {
                    if cancelRequested || fatalReason != nil { break }
                    if queue.isEmpty {
                        guard enqueueStitchIfDue() else { break }
                        continue
                    }
                }
                if !timerArmed, running.count < configuration.workers, let next = queue.earliest {
                    let wait = min(max(0, next.timeIntervalSinceNow), configuration.pollInterval)
                    group.addTask {
                        try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                        return .timer
                    }
                    timerArmed = true
                }
                guard let wake = await group.next() else { break }
                switch wake {
                case .timer: timerArmed = false
                case .exited(let key, let attempt, let exit): await handleExit(key, attempt: attempt, exit: exit)
                }
            }
            group.cancelAll()
        }
    }

    /// Start queued tasks that are due while slots are free.
    private func launchReady(into group: inout TaskGroup<Wake>) {
        let now = Date()
        while !outage.isDown, running.count < configuration.workers, let key = queue.popReady(now: now) {
            guard let (attempt, pid) = launch(key) else { return }
            group.addTask { .exited(key, attempt: attempt, await TaskProcess.waitForExit(pid)) }
        }
    }

    private func launch(_ key: TaskKey) -> (Int, Int32)? {
        let attempt = (ledger.tasks[key]?.attempts ?? 0) + 1
        let logName = folder.logName(stage: key.stage, index: key.index, attempt: attempt)
        let logPath = folder.path + "/" + logName
        let marker = "\(manifest.id)/\(key.stage.rawValue)/\(key.index)/\(attempt)"
        var environment = baseEnvironment
        environment["BLENDBATCH_MANIFEST"] = rewrittenChunks.contains(key.index) && key.stage == .render
            ? folder.taskManifestsPath + "/task-\(key.index).json" : folder.manifestPath
        environment["BLENDBATCH_JOB_ID"] = manifest.id
        environment["BLENDBATCH_TASK"] = marker
        environment["AWS_BATCH_JOB_ATTEMPT"] = String(attempt)
        switch key.stage {
        case .render:
            environment["AWS_BATCH_JOB_ARRAY_INDEX"] = String(key.index)
            environment["AWS_BATCH_JOB_ID"] = "\(manifest.id):\(key.index)"
        case .stitch:
            environment["AWS_BATCH_JOB_ARRAY_INDEX"] = nil
            environment["AWS_BATCH_JOB_ID"] = "\(manifest.id)-stitch"
        }
        let command = key.stage == .stitch ? configuration.workerCommand + ["--stage", "stitch"] : configuration.workerCommand
        let pid: Int32
        do {
            pid = try TaskProcess.spawn(command, environment: environment, logPath: logPath)
        } catch {
            let reason = String(describing: error)
            record(JournalEntry(.exit, stage: key.stage, task: key.index, attempt: attempt, decision: .fail(reason: reason), reason: reason))
            fatalReason = reason
            fatalCode = ExitCode.unavailable.rawValue
            return nil
        }
        let now = Date()
        record(JournalEntry(.start, time: now, stage: key.stage, task: key.index, attempt: attempt, pid: pid, pgid: pid, log: logName))
        running[key] = Running(attempt: attempt, pid: pid, startedAt: now, marker: marker, tail: LogTail(path: logPath))
        emit(.taskStarted(stage: key.stage, index: key.index, attempt: attempt, pid: pid))
        let info = TaskAttempt(key: key, attempt: attempt, pid: pid, startedAt: now)
        for hook in configuration.hooks { hook.taskStarted(info, control: self) }
        return (attempt, pid)
    }

    private func handleExit(_ key: TaskKey, attempt: Int, exit: TaskExit) async {
        guard let task = running.removeValue(forKey: key) else { return }
        let duration = Date().timeIntervalSince(task.startedAt)
        // A worker that died hard (or was told to stop) may leave Blender behind in a group of its own.
        let cleanExit = exit.isSuccess || (exit == .exited(ExitCode.interrupted.rawValue) && !task.noticed && !task.cancelled)
        if !cleanExit {
            await TaskProcess.stopProcesses(withEnvironment: "BLENDBATCH_TASK=\(task.marker)", grace: 1)
        }
        // A stopped task's decision, or a store failure's, needs no look at the store (which may be
        // the thing not answering).
        let storeFailed = exit == .exited(ExitCode.storeError.rawValue)
        var storeAnswered = true
        if key.stage == .render && !task.cancelled && !cancelRequested && !storeFailed {
            storeAnswered = await refreshFrames(of: [key.index])
        }
        let decision: RetryDecision
        if !storeAnswered && cancelRequested {
            decision = .cancelled
        } else if !storeAnswered, RetryPolicy.classify(exit, noticed: task.noticed).isRetryable {
            // Which frames arrived is unknown: judge the attempt once the store answers, charging nothing.
            decision = .waitForStore(reason: "\(exit), but the store did not answer to show which frames arrived")
        } else {
            decision = decide(key, exit: exit, noticed: task.noticed, cancelled: task.cancelled,
                              said: exit.isSuccess ? nil : task.tail.lastFailure())
        }
        record(JournalEntry(.exit, stage: key.stage, task: key.index, attempt: attempt, exit: exit,
                            decision: decision, duration: duration))
        emit(.taskFinished(stage: key.stage, index: key.index, attempt: attempt, exit: exit, decision: decision))
        let info = TaskAttempt(key: key, attempt: attempt, pid: task.pid, startedAt: task.startedAt)
        for hook in configuration.hooks { hook.taskEnded(info, exit: exit, duration: duration) }

        switch decision {
        case .retry(_, let after):
            queue.append(key, notBefore: Date().addingTimeInterval(after))
        case .dropFrames:
            if !missingFrames(of: key.index).isEmpty { queue.append(key) }
        case .fail(let reason):
            if key.stage == .stitch || fatalReason != nil { break }
            fatalReason = "\(key): \(reason)"
            if case .exited(let code) = exit { fatalCode = code } else { fatalCode = ExitCode.renderFailure.rawValue }
            stopAll(reason: "another task failed with bad input")
        case .waitForStore:
            queue.append(key)
            if outage.isOver(now: Date()) { endForOutage() }
        case .succeeded:
            if exit.isSuccess { outage.progressed() }
        case .cancelled:
            break
        }
    }

    /// The retry policy applied to one attempt's end.
    /// `said` is the worker's own failure message, added to the reason of a failure that is final.
    private func decide(_ key: TaskKey, exit: TaskExit, noticed: Bool, cancelled: Bool, said: String?) -> RetryDecision {
        if cancelled || (cancelRequested && !exit.isSuccess) { return .cancelled }
        if exit == .exited(ExitCode.storeError.rawValue) && !noticed {
            // The store failed the task: an outage to wait out, not the frame's fault.
            let why = said ?? RetryPolicy.describe(exit)
            outage.failed(at: Date(), why, byTask: true)
            return .waitForStore(reason: why)
        }
        let policy = configuration.policy
        var outcome = RetryPolicy.classify(exit, noticed: noticed)
        if key.stage == .render {
            let missing = missingFrames(of: key.index)
            if outcome == .success && !missing.isEmpty {
                outcome = .retryableFailure("exited 0 but frames \(Self.list(missing)) are not in the store")
            } else if outcome != .success && missing.isEmpty, case .retryableFailure = outcome {
                return .succeeded   // every frame is in the store; the failure came after the work
            }
        }
        if outcome == .interrupted {
            interruptionsByTask[key, default: 0] += 1
            if interruptionsByTask[key]! <= policy.maxInterruptions { return .retry(counted: false, after: 0) }
            outcome = .retryableFailure("interrupted \(interruptionsByTask[key]!) times")
        }
        switch outcome {
        case .success, .interrupted:
            return .succeeded
        case .fatal(let why):
            return .fail(reason: said.map { "\(why): \($0)" } ?? why)
        case .retryableFailure(let why):
            if key.stage == .stitch {
                stitchFailures += 1
                return stitchFailures >= policy.maxAttempts
                    ? .fail(reason: "\(why), \(stitchFailures) attempts")
                    : .retry(counted: true, after: policy.delay(afterFailures: stitchFailures))
            }
            // Blender renders a chunk's missing frames in order: the first missing one is where it died.
            guard let culprit = missingFrames(of: key.index).first else { return .succeeded }
            frameFailures[culprit, default: 0] += 1
            let failures = frameFailures[culprit]!
            guard failures >= policy.maxAttempts else {
                return .retry(counted: true, after: policy.delay(afterFailures: failures))
            }
            dropFrame(culprit, from: key.index)
            return .dropFrames([culprit], reason: "\(why) on all \(failures) attempts")
        }
    }

    private func dropFrame(_ frame: Int, from index: Int) {
        chunkFrames[index]?.removeAll { $0 == frame }
        rewrittenChunks.insert(index)
        var rewritten = manifest
        rewritten.chunks = manifest.chunks.map { chunk in
            FrameChunk(index: chunk.index, frames: chunkFrames[chunk.index] ?? chunk.frames)
        }
        try? FileManager.default.createDirectory(atPath: folder.taskManifestsPath, withIntermediateDirectories: true)
        try? rewritten.encoded().write(to: URL(fileURLWithPath: folder.taskManifestsPath + "/task-\(index).json"), options: .atomic)
    }

    private func missingFrames(of index: Int) -> [Int] {
        (chunkFrames[index] ?? []).filter { !done.contains($0) }
    }

    /// Look in the store for frames not yet seen there: a remote store (or one that is down) gets one
    /// listing, bounded in time; a folder one `stat` per missing frame of the chunks `indexes` (cheaper
    /// than listing a big folder, and a local disk cannot stall). A new frame ends any store outage.
    /// Returns false when the store did not answer.
    @discardableResult
    private func refreshFrames(of indexes: [Int]) async -> Bool {
        var found: Set<Int> = []
        if store.location.isLocal && !outage.isDown {
            for frame in indexes.flatMap(missingFrames(of:)) where await isStored(manifest.doneKeys(frame)) {
                found.insert(frame)
            }
        } else {
            guard let listed = await framesInStore() else { return false }
            found = listed
        }
        let arrived = found.subtracting(done).sorted()
        for frame in arrived {
            done.insert(frame)
            emit(.frameDone(frame: frame, done: done.count, total: allFrames.count))
        }
        if !arrived.isEmpty { outage.progressed() }
        return true
    }

    /// Whether every one of `keys` is in the (local) store.
    private func isStored(_ keys: [String]) async -> Bool {
        for key in keys where (try? await store.head(key: key)) == nil { return false }
        return true
    }

    /// The manifest's frames in the store, from one listing (per done prefix); nil when the store failed or gave no
    /// answer in time (noted as a sign of an outage).
    private func framesInStore() async -> Set<Int>? {
        let started = Date()
        lastListing = started
        listingCount += 1
        let number = listingCount
        let listing = Task { [store, manifest, timeout = outage.listingTimeout] in
            try await JobControl.doneKeys(manifest, store: store, timeout: timeout)
        }
        listings[number] = listing
        defer { listings[number] = nil }
        do {
            let keys = try await listing.value
            outage.answered()
            return manifest.framesDone(among: keys)
        } catch {
            if !cancelRequested { outage.failed(at: started, "\(error)") }
            return nil
        }
    }

    /// The store failed for the whole outage limit: stop every task and end the job with 76.
    private func endForOutage() {
        guard fatalReason == nil, !cancelRequested else { return }
        let limit = String(format: "%g s", outage.limit)
        fatalReason = "the store \(store.location) failed for \(limit) (\(outage.lastError ?? "no answer")); frames already "
            + "stored are kept: 'blendbatch resume \(manifest.id)' once it answers (limit: BLENDBATCH_STORE_OUTAGE_LIMIT)"
        fatalCode = ExitCode.storeError.rawValue
        emit(.message("store outage: \(store.location) failed for \(limit); stopping the job"))
        stopAll(reason: "store outage")
    }

    /// Queue the stitch once every render task ended, when it can make something worth having.
    private func enqueueStitchIfDue() -> Bool {
        guard !stitchQueued, let stitch = manifest.stitch, fatalReason == nil, !cancelRequested else { return false }
        let lost = allFrames.subtracting(done)
        guard lost.isEmpty || (stitch.allowGaps && !done.isEmpty) else { return false }
        stitchQueued = true
        queue.append(TaskKey(stage: .stitch, index: 0))
        return true
    }

    /// Periodic look at the running tasks: new frames, sample progress, cancel requests from elsewhere.
    private func tick() async {
        if !cancelRequested, FileManager.default.fileExists(atPath: folder.cancelPath) {
            emit(.message("cancel requested by another process"))
            cancel()
        }
        // A remote store is listed at most once a second while tasks render; any store while it is down.
        let rendering = running.keys.contains { $0.stage == .render }
        if (outage.isDown || (rendering && !store.location.isLocal)) && Date().timeIntervalSince(lastListing) >= 1 {
            await refreshFrames(of: [])
        }
        if outage.isOver(now: Date()) { endForOutage() }
        if let limit = configuration.maxTimeSeconds { stopIfOverTime(limit) }
        if reportWrite == nil, Date() >= reportDue {
            let (folder, status, store) = (folder, snapshot(), store)
            reportWrite = Task.detached { [weak self] in
                let started = Date()
                await Self.writeReport(folder: folder, status: status, store: store, storeTimeout: 30)
                await self?.reportWritten(took: Date().timeIntervalSince(started))
            }
        }
        for key in running.keys.sorted() where key.stage == .render {
            if store.location.isLocal { await refreshFrames(of: [key.index]) }
            guard !subscribers.isEmpty, var tail = running[key]?.tail else { continue }
            let progress = tail.latestSample()
            running[key]?.tail = tail
            if let progress { emit(.sample(frame: progress.frame, sample: progress.sample, of: progress.of)) }
        }
    }

    // MARK: Stopping

    /// `--max-time`: once the run is `limit` seconds old, start nothing more; running tasks finish and
    /// keep their frames. Recorded in the journal's end reason and `cost.json`.
    private func stopIfOverTime(_ limit: Double) {
        let elapsed = Date().timeIntervalSince(startedAt)
        guard fatalReason == nil, !cancelRequested, Budget(maxTimeSeconds: limit).timeIsUp(elapsed: elapsed) else { return }
        queue.removeAll()
        fatalCode = ExitCode.interrupted.rawValue
        fatalReason = "budget: --max-time \(Budget.duration(limit)) reached, no new task started after it; the frames "
            + "rendered are kept (finish with 'blendbatch resume \(manifest.id)')"
        emit(.message("--max-time \(Budget.duration(limit)) reached: no new task starts; running tasks finish"))
        let reason = fatalReason
        CostRecord.update(folder: folder.path) { record in
            var budget = record.budget ?? CostRecord.Budget()
            budget.maxTimeSeconds = limit
            budget.stopped = true
            budget.reason = reason
            record.budget = budget
        }
    }

    /// Cancel the job: nothing new starts; running tasks get SIGTERM, then SIGKILL after the grace period.
    func cancel() {
        guard !cancelRequested, finished == nil else { return }
        cancelRequested = true
        record(JournalEntry(.cancelRequested))
        stopAll(reason: "cancelled")
    }

    private func stopAll(reason: String) {
        queue.removeAll()
        for listing in listings.values { listing.cancel() }
        for key in running.keys {
            running[key]?.cancelled = true
            if let pid = running[key]?.pid { TaskProcess.signalGroup(pid, SIGTERM) }
        }
        let grace = configuration.cancelGrace
        Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(grace * 1e9))
            await self?.killRemaining()
        }
    }

    /// Stop at once: SIGKILL every running task (a second Ctrl-C).
    func killNow() {
        if !cancelRequested { cancel() }
        killRemaining()
    }

    private func killRemaining() {
        for task in running.values {
            TaskProcess.signalGroup(task.pid, SIGKILL)
            for pid in TaskProcess.processes(withEnvironment: "BLENDBATCH_TASK=\(task.marker)") { kill(pid, SIGKILL) }
        }
    }

    func interrupt(_ attempt: TaskAttempt, notice: Double) async {
        guard let task = running[attempt.key], task.attempt == attempt.attempt, !task.noticed, !task.cancelled else { return }
        running[attempt.key]?.noticed = true
        record(JournalEntry(.interrupt, stage: attempt.key.stage, task: attempt.key.index, attempt: attempt.attempt,
                            pid: task.pid, reason: "Host EC2 (simulated) interruption notice, \(notice)s"))
        emit(.interruptionSent(index: attempt.key.index, attempt: attempt.attempt))
        TaskProcess.signalGroup(task.pid, SIGTERM)
        Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(notice * 1e9))
            await self?.reclaim(attempt)
        }
    }

    /// The end of the notice period: the "instance" goes away with whatever still runs on it.
    private func reclaim(_ attempt: TaskAttempt) {
        guard let task = running[attempt.key], task.attempt == attempt.attempt else { return }
        TaskProcess.signalGroup(task.pid, SIGKILL)
        for pid in TaskProcess.processes(withEnvironment: "BLENDBATCH_TASK=\(task.marker)") { kill(pid, SIGKILL) }
    }

    // MARK: Results

    private func finish() async -> JobStatus {
        let lost = allFrames.subtracting(done)
        let dropped = ledger.failedFrames
        var state: JobState = .succeeded
        var reason: String?
        var code: Int32? = ExitCode.renderFailure.rawValue
        if let skipReason {
            state = .cancelled
            reason = skipReason
        } else if cancelRequested {
            state = .cancelled
            code = ExitCode.cancelled.rawValue
            reason = "cancelled; \(lost.count) frame(s) not rendered (resume with 'blendbatch resume \(manifest.id)')"
        } else if let fatalReason {
            state = .failed
            reason = fatalReason
            code = fatalCode
        } else if !dropped.isEmpty {
            state = .failed
            let gaps = manifest.stitch.map { $0.allowGaps ? "; the video fills the gaps with the previous frame" : "; no video made (--allow-gaps fills gaps with the previous frame)" } ?? ""
            reason = "frame(s) \(Self.list(dropped.map(\.frame))) failed after \(configuration.policy.maxAttempts) attempts each\(gaps)"
        } else if !lost.isEmpty {
            state = .failed
            reason = "frame(s) \(Self.list(lost.sorted())) missing from the store"
        } else if let stitch = ledger.tasks[TaskKey(stage: .stitch, index: 0)], stitch.state != .succeeded {
            state = .failed
            reason = "stitch: \(stitch.reason ?? "failed")"
            if case .exited(let stitchCode)? = stitch.lastExit { code = stitchCode }
        }
        if state == .succeeded { code = nil }
        record(JournalEntry(.end, state: state, reason: reason))
        lock = nil
        var status = snapshot()
        status.controllerAlive = false
        status.failureCode = code
        finished = status
        reportWrite?.cancel()
        await reportWrite?.value
        // A job stopped by Ctrl-C or by the store must end promptly: the store gets seconds, not minutes.
        let hurry = cancelRequested || outage.isDown || fatalCode == ExitCode.storeError.rawValue
        await Self.writeReport(folder: folder, status: status, store: store, storeTimeout: hurry ? 2 : 60)
        return status
    }

    /// The next live write is due in half the page's refresh time, or later for a job whose report
    /// takes long to build (at most a tenth of the controller's time goes to it).
    private func reportWritten(took seconds: Double) {
        reportWrite = nil
        reportDue = Date().addingTimeInterval(max(Double(ReportHTML.refreshSeconds) / 2, seconds * 10))
    }

    /// Write the job's `report.html` (best effort: a report that cannot be written must not stop a
    /// render), giving the store `storeTimeout` seconds for the metrics and for the final upload each.
    private static func writeReport(folder: JobFolder, status: JobStatus, store: any ObjectStore, storeTimeout: Double) async {
        guard let builder = try? await LocalReportSource.builder(folder: folder, status: status, store: store,
                                                                 metricsTimeout: storeTimeout) else { return }
        _ = try? await store.answer(within: storeTimeout, about: ReportFile.name) {
            try await ReportFile.write(builder, to: ReportFile.path(in: folder.path), store: store)
        }
    }

    func snapshot() -> JobStatus {
        if let finished { return finished }
        var status = ledger.status(id: manifest.id, framesTotal: allFrames.count, framesDone: done.count,
                                   tasksTotal: manifest.chunks.count, controllerAlive: lock != nil, jobFolder: folder.path)
        status.framesRendered = done.count - foundAtStart
        status.wallTime = Date().timeIntervalSince(startedAt)
        if status.framesRendered > 0 { status.meanFrameTime = ledger.renderSeconds / Double(status.framesRendered) }
        if status.stitch == .succeeded, let video = JobControl.videoPath(manifest) { status.video = video }
        return status
    }

    /// `1,2,5` (at most 20 frames, then `…`).
    static func list(_ frames: [Int]) -> String {
        let shown = frames.prefix(20).map(String.init).joined(separator: ",")
        return frames.count > 20 ? shown + ",… (\(frames.count) in all)" : shown
    }
}

/// Tasks waiting for a slot, in order, each with the time before which it must not start (backoff).
/// Taking from the front is O(1), so 10,000-task arrays schedule in linear time.
struct TaskQueue {
    private var items: [(key: TaskKey, notBefore: Date)] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    /// The earliest start time of any waiting task.
    var earliest: Date? { items[head...].map(\.notBefore).min() }

    mutating func append(_ key: TaskKey, notBefore: Date = .distantPast) {
        items.append((key, notBefore))
    }

    /// The first task due at `now`, taken out of the queue.
    mutating func popReady(now: Date) -> TaskKey? {
        guard let position = items[head...].firstIndex(where: { $0.notBefore <= now }) else { return nil }
        let key = items[position].key
        if position == head { head += 1 } else { items.remove(at: position) }
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return key
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
    }
}
