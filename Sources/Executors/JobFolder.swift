import Foundation
import ObjectStore
import RenderPlan

/// A job's state on disk, `<out>/.blendbatch/jobs/<id>/` (for an `s3://` output:
/// `StateDirectory.jobs/<id>/` on this machine):
/// `manifest.json`, `journal.jsonl` (append-only), `logs/<stage>-<index>.<attempt>.log`,
/// `controller.lock` (held by the live controller), `cancel` (a cancel request from another process).
public struct JobFolder: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = (path as NSString).standardizingPath }

    /// The folder of job `id` under an output folder.
    public init(output: String, id: String) {
        self.init(path: Self.jobsRoot(output: output) + "/" + id)
    }

    /// The folder of `manifest`'s job: under its output folder, or in the state directory when
    /// the output is a store URL.
    public init(for manifest: JobManifest) {
        self.init(path: Self.jobsRoot(forOutput: manifest.output.location) + "/" + manifest.id)
    }

    /// `<output>/.blendbatch/jobs`.
    public static func jobsRoot(output: String) -> String {
        (output as NSString).standardizingPath + "/.blendbatch/jobs"
    }

    /// Where jobs writing to `output` (a folder or store URL) keep their folders:
    /// `<folder>/.blendbatch/jobs`, or `StateDirectory.jobs` for a store URL.
    public static func jobsRoot(forOutput output: String) -> String {
        switch try? StoreLocation(parsing: output) {
        case .local(let path)?: return jobsRoot(output: path)
        case .s3?: return StateDirectory.jobs
        case nil: return jobsRoot(output: output)
        }
    }

    public var id: String { (path as NSString).lastPathComponent }
    public var manifestPath: String { path + "/manifest.json" }
    public var journalPath: String { path + "/journal.jsonl" }
    public var lockPath: String { path + "/controller.lock" }
    public var cancelPath: String { path + "/cancel" }
    public var logsPath: String { path + "/logs" }
    public var taskManifestsPath: String { path + "/manifests" }

    /// Log of one task attempt, relative to the job folder.
    public func logName(stage: Stage, index: Int, attempt: Int) -> String {
        stage == .stitch ? "logs/stitch.\(attempt).log" : "logs/task-\(index).\(attempt).log"
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: manifestPath) }

    /// Create the folder and write the manifest.
    public func create(manifest: JobManifest) throws {
        try FileManager.default.createDirectory(atPath: logsPath, withIntermediateDirectories: true)
        try manifest.encoded().write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
    }

    public func readManifest() throws -> JobManifest {
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw ExecutorError.noSuchJob(path)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: JobManifest
        do { manifest = try decoder.decode(JobManifest.self, from: data) } catch {
            throw ExecutorError.badJobFolder(path, reason: "manifest.json: \(error)")
        }
        do { try manifest.validate(source: "manifest.json") } catch {
            throw ExecutorError.badJobFolder(path, reason: error.description)
        }
        return manifest
    }

    /// True while some controller holds the job's lock (a lock dies with its process, even on SIGKILL).
    public var controllerAlive: Bool {
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }

    /// Take the controller lock, or throw when another controller holds it.
    func lock() throws -> ControllerLock {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExecutorError.badJobFolder(path, reason: "cannot open controller.lock: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ExecutorError.jobRunning(id)
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return ControllerLock(fd: fd)
    }

    /// Every job folder of an output (a folder, or a store URL: the state directory's jobs that
    /// write there), oldest first (ids start with a timestamp).
    public static func all(output: String) -> [JobFolder] {
        guard let location = try? StoreLocation(parsing: output), !location.isLocal else {
            return folders(in: jobsRoot(output: output))
        }
        return folders(in: StateDirectory.jobs).filter { (try? $0.readManifest().output.location) == location.description }
    }

    private static func folders(in root: String) -> [JobFolder] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.sorted().map { JobFolder(path: root + "/" + $0) }.filter(\.exists)
    }

    /// Find a job by a folder path, an id under `output` (a folder or store URL), an id in the state
    /// directory, or an id in the registry of recent jobs.
    public static func find(_ job: String, output: String?) throws -> JobFolder {
        if FileManager.default.fileExists(atPath: job + "/manifest.json") { return JobFolder(path: job) }
        let roots = (output.map { [jobsRoot(forOutput: $0)] } ?? []) + (job.contains("/") ? [] : [StateDirectory.jobs])
        for root in roots {
            let folder = JobFolder(path: root + "/" + job)
            if folder.exists { return folder }
        }
        if let path = JobRegistry.lookup(job), JobFolder(path: path).exists { return JobFolder(path: path) }
        throw ExecutorError.noSuchJob(job)
    }
}

/// The controller's hold on a job; released when dropped or when the process dies.
final class ControllerLock: @unchecked Sendable {
    // Sendable: the descriptor is written once at init and only closed in deinit.
    private let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { flock(fd, LOCK_UN); close(fd) }
}

/// Recent jobs by id, so `blendbatch status JOB` works from any folder:
/// `$XDG_STATE_HOME/blendbatch/jobs.tsv` (default `~/.local/state/blendbatch/jobs.tsv`), one `id<TAB>folder` a line.
public enum JobRegistry {
    public static var path: String { StateDirectory.base + "/jobs.tsv" }

    /// Remember where job `id` lives (best effort: a read-only home must not stop a render).
    public static func record(id: String, folder: String) {
        let file = path
        try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = "\(id)\t\(folder)\n"
        _ = line.withCString { write(fd, $0, strlen($0)) }
    }

    /// The folder of job `id` (the latest record wins); `latest` names the most recent job.
    public static func lookup(_ id: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var found: String?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { continue }
            if parts[0] == id || id == "latest" { found = String(parts[1]) }
        }
        return found
    }
}

/// Why an executor could not do what was asked.
public enum ExecutorError: Error, CustomStringConvertible, Equatable {
    case noSuchJob(String)
    case badJobFolder(String, reason: String)
    case jobRunning(String)
    case spawnFailed(String, reason: String)

    public var description: String {
        switch self {
        case .noSuchJob(let job):
            return "no job '\(job)' (give the job folder <out>/.blendbatch/jobs/<id>, or --out with the id; "
                + "jobs writing to s3:// are in \(StateDirectory.jobs))"
        case .badJobFolder(let path, let reason): return "\(path): \(reason)"
        case .jobRunning(let id): return "job \(id) is already running under another controller (see 'blendbatch status \(id)')"
        case .spawnFailed(let command, let reason): return "cannot start \(command): \(reason)"
        }
    }

    /// The exit code a command refused for this reason ends with: 66 no such job, 65 a bad job
    /// folder, 75 a job busy under another controller (try later), 69 a task that cannot start.
    public var exitCode: ExitCode {
        switch self {
        case .noSuchJob: return .noInput
        case .badJobFolder: return .dataError
        case .jobRunning: return .interrupted
        case .spawnFailed: return .unavailable
        }
    }
}
