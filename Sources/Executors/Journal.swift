import Foundation

/// One line of a job's append-only journal (`journal.jsonl`).
public struct JournalEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A controller run began (`run` counts them, `pid` is the controller).
        case run
        /// A task attempt started (`pid`, `pgid`, `log`).
        case start
        /// An interruption notice was sent to a task attempt.
        case interrupt
        /// A task attempt ended (`exitCode` or `signal`, and the `decision`).
        case exit
        /// Someone asked to cancel the job.
        case cancelRequested
        /// The job ended (`state`, `reason`).
        case end
    }

    public var kind: Kind
    public var time: Date
    public var stage: Stage?
    public var task: Int?
    public var attempt: Int?
    public var pid: Int32?
    public var pgid: Int32?
    public var run: Int?
    public var log: String?
    public var exitCode: Int32?
    public var signal: Int32?
    public var decision: RetryDecision?
    public var duration: Double?
    public var state: JobState?
    public var reason: String?

    public init(_ kind: Kind, time: Date = Date(), stage: Stage? = nil, task: Int? = nil, attempt: Int? = nil,
                pid: Int32? = nil, pgid: Int32? = nil, run: Int? = nil, log: String? = nil, exit: TaskExit? = nil,
                decision: RetryDecision? = nil, duration: Double? = nil, state: JobState? = nil, reason: String? = nil) {
        self.kind = kind
        self.time = time
        self.stage = stage
        self.task = task
        self.attempt = attempt
        self.pid = pid
        self.pgid = pgid
        self.run = run
        self.log = log
        if case .exited(let code)? = exit { exitCode = code }
        if case .signaled(let number)? = exit { signal = number }
        self.decision = decision
        self.duration = duration
        self.state = state
        self.reason = reason
    }

    public var exit: TaskExit? {
        if let exitCode { return .exited(exitCode) }
        if let signal { return .signaled(signal) }
        return nil
    }
}

/// Appends entries to a journal file, one JSON object a line, each with a single `write` on an
/// `O_APPEND` descriptor so a crash leaves at worst one torn last line (which readers skip).
public final class Journal: @unchecked Sendable {
    // Sendable: `fd` never changes after init; `encoder` is used only under `lock`.
    private let fd: Int32
    private let lock = NSLock()
    private let encoder: JSONEncoder

    public init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExecutorError.badJobFolder(path, reason: "cannot open journal: \(String(cString: strerror(errno)))") }
        encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    deinit { close(fd) }

    public func append(_ entry: JournalEntry) {
        lock.lock(); defer { lock.unlock() }
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        data.withUnsafeBytes { buffer in _ = write(fd, buffer.baseAddress, buffer.count) }
    }

    /// Every complete entry of the journal at `path`, in order; torn or unreadable lines are skipped.
    public static func read(path: String) -> [JournalEntry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(JournalEntry.self, from: Data($0)) }
    }
}
