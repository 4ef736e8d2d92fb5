import Foundation

/// Identifies a task of a job: an array index of the render stage, or the stitch.
public struct TaskKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var stage: Stage
    public var index: Int
    public init(stage: Stage, index: Int) {
        self.stage = stage
        self.index = index
    }
    public static func < (a: TaskKey, b: TaskKey) -> Bool {
        (a.stage == .stitch ? 1 : 0, a.index) < (b.stage == .stitch ? 1 : 0, b.index)
    }
    public var description: String { stage == .stitch ? "stitch" : "task \(index)" }
}

/// What the journal says about one task.
public struct TaskRecord: Sendable, Equatable {
    public var state: TaskState = .pending
    public var attempts = 0
    /// The attempt now running: its number, pid and process group.
    public var running: (attempt: Int, pid: Int32, pgid: Int32)?
    public var lastExit: TaskExit?
    public var lastLog: String?
    public var reason: String?
    /// Frames given up on, each with the reason and the log of the attempt that last failed on it.
    public var droppedFrames: [Int: FailedFrame] = [:]

    public static func == (a: TaskRecord, b: TaskRecord) -> Bool {
        a.state == b.state && a.attempts == b.attempts && a.running?.attempt == b.running?.attempt
            && a.running?.pid == b.running?.pid && a.lastExit == b.lastExit && a.reason == b.reason
            && a.droppedFrames == b.droppedFrames
    }
}

/// The job's history folded from its journal. The running controller feeds it every entry it writes,
/// and `blendbatch status` replays the file, so both see the same facts.
public struct JobLedger: Sendable {
    public private(set) var tasks: [TaskKey: TaskRecord] = [:]
    public private(set) var runs = 0
    public private(set) var attempts = 0
    public private(set) var retries = 0
    public private(set) var interruptions = 0
    public private(set) var notices = 0
    public private(set) var state: JobState = .queued
    public private(set) var reason: String?
    public private(set) var firstStart: Date?
    public private(set) var lastTime: Date?
    public private(set) var endTime: Date?
    public private(set) var cancelRequested = false
    /// Seconds spent in render attempts during the latest run.
    public private(set) var renderSeconds: Double = 0

    public init() {}

    public init(replaying entries: [JournalEntry]) {
        for entry in entries { apply(entry) }
    }

    public mutating func apply(_ entry: JournalEntry) {
        lastTime = entry.time
        let key = entry.task.map { TaskKey(stage: entry.stage ?? .render, index: $0) }
        switch entry.kind {
        case .run:
            runs = entry.run ?? runs + 1
            if firstStart == nil { firstStart = entry.time }
            state = .running
            reason = nil
            endTime = nil
            cancelRequested = false
            renderSeconds = 0
            for (key, record) in tasks where record.state != .succeeded {
                tasks[key] = TaskRecord(state: .pending, attempts: record.attempts, lastLog: record.lastLog)
            }
        case .start:
            guard let key else { return }
            var record = tasks[key] ?? TaskRecord()
            record.attempts += 1
            if record.attempts > 1 { retries += 1 }
            record.state = .running
            record.running = (entry.attempt ?? record.attempts, entry.pid ?? 0, entry.pgid ?? entry.pid ?? 0)
            record.lastLog = entry.log
            tasks[key] = record
            attempts += 1
        case .interrupt:
            notices += 1
        case .exit:
            guard let key else { return }
            var record = tasks[key] ?? TaskRecord()
            record.running = nil
            record.lastExit = entry.exit
            if key.stage == .render { renderSeconds += entry.duration ?? 0 }
            switch entry.decision {
            case .succeeded?:
                record.state = record.droppedFrames.isEmpty ? .succeeded : .failed
            case .retry(let counted, _)?:
                record.state = .retrying
                if !counted { interruptions += 1 }
            case .fail(let why)?:
                record.state = .failed
                record.reason = why
            case .dropFrames(let frames, let why)?:
                record.state = .failed
                record.reason = why
                for frame in frames {
                    record.droppedFrames[frame] = FailedFrame(frame: frame, task: key.index, reason: why, log: record.lastLog)
                }
            case .waitForStore(let why)?:
                record.state = .retrying
                record.reason = why
            case .cancelled?, nil:
                record.state = .cancelled
                record.reason = entry.reason
            }
            tasks[key] = record
        case .cancelRequested:
            cancelRequested = true
        case .end:
            state = entry.state ?? .failed
            reason = entry.reason
            endTime = entry.time
        }
    }

    /// Tasks with an attempt started and not yet ended: their process groups may still be alive.
    public var runningGroups: [(key: TaskKey, attempt: Int, pgid: Int32)] {
        tasks.sorted { $0.key < $1.key }.compactMap { key, record in
            record.running.map { (key, $0.attempt, $0.pgid) }
        }
    }

    /// Frames given up on, in frame order.
    public var failedFrames: [FailedFrame] {
        tasks.values.flatMap(\.droppedFrames.values).sorted { $0.frame < $1.frame }
    }

    /// The status of a job with `framesDone` of `framesTotal` frames in the store.
    public func status(id: String, framesTotal: Int, framesDone: Int, tasksTotal: Int, controllerAlive: Bool,
                       jobFolder: String? = nil) -> JobStatus {
        var status = JobStatus(id: id, state: state, framesTotal: framesTotal, framesDone: framesDone, tasksTotal: tasksTotal)
        if !state.isFinal && !controllerAlive && runs > 0 { status.state = .interrupted }
        let render = tasks.filter { $0.key.stage == .render }.map(\.value)
        status.tasksSucceeded = render.filter { $0.state == .succeeded }.count
        status.tasksRunning = render.filter { $0.state == .running }.count
        status.tasksFailed = render.filter { $0.state == .failed }.count
        status.attempts = attempts
        status.retries = retries
        status.interruptions = interruptions
        status.noticesSent = notices
        status.failedFrames = failedFrames.map { failure in
            var failure = failure
            if let folder = jobFolder, let log = failure.log { failure.log = folder + "/" + log }
            return failure
        }
        status.reason = reason
        status.stitch = tasks[TaskKey(stage: .stitch, index: 0)]?.state
        status.startedAt = firstStart
        if let firstStart { status.wallTime = (endTime ?? (controllerAlive ? Date() : lastTime ?? firstStart)).timeIntervalSince(firstStart) }
        status.controllerAlive = controllerAlive
        return status
    }
}
