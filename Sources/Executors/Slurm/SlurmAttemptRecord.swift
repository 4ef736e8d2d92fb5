import Foundation
import Render
import RenderPlan

/// One attempt of one Slurm task as the task itself records it (a cluster without accounting storage
/// remembers nothing of a requeued attempt): `<job folder>/slurm/attempts/<stage>-<index>.<attempt>.json`,
/// written when the batch script starts (`blendbatch task-hook slurm started`) and completed when its worker
/// ended (`task-hook slurm ended`). An attempt killed before its script ended keeps no end; what became of
/// it is told by `SlurmReportSource`.
public struct SlurmAttemptRecord: Codable, Sendable, Equatable {
    public var stage: Stage
    public var task: Int
    /// 1, 2, … for this task, across requeues and `resume`.
    public var attempt: Int
    /// Slurm's id of the task (`ARRAY_TASK`, or the stitch's job id) and its `SLURM_RESTART_COUNT`.
    public var slurmTask: String
    public var restart: Int
    public var host: String
    /// Seconds since 1970 (fractions kept: an attempt may last a second).
    public var started: Double
    public var ended: Double?
    public var exitCode: Int32?
    /// How it ended (nil while it runs), and why in words.
    public var outcome: AttemptRecord.Outcome?
    public var detail: String?
    /// The task's Slurm log, relative to the job folder (a task's attempts all append to it).
    public var log: String

    /// `<job folder>/slurm/attempts`, beside the retry counters.
    static func folder(_ job: JobFolder) -> String { job.path + "/slurm/attempts" }

    var fileName: String { "\(stage.rawValue)-\(task).\(attempt).json" }

    /// Every attempt recorded in the job folder.
    public static func read(_ job: JobFolder) -> [SlurmAttemptRecord] {
        let folder = folder(job)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).flatMap { try? JSONDecoder().decode(SlurmAttemptRecord.self, from: $0) }
        }
    }

    /// Record that `task` started an attempt now; its number.
    @discardableResult
    public static func started(_ task: SlurmTaskIdentity, at time: Date = Date()) throws -> Int {
        let record = own(task) ?? fresh(task, at: time)
        try record.write(task.folder)
        return record.attempt
    }

    /// Complete `task`'s record of this attempt (made now when its start was not recorded).
    static func ended(_ task: SlurmTaskIdentity, code: Int32, outcome: AttemptRecord.Outcome, detail: String, at time: Date = Date()) throws {
        var record = own(task) ?? fresh(task, at: time)
        record.ended = time.timeIntervalSince1970
        record.exitCode = code
        record.outcome = outcome
        record.detail = detail
        try record.write(task.folder)
    }

    /// The record of `task`'s current attempt (its Slurm id and restart count), if it was started.
    static func own(_ task: SlurmTaskIdentity) -> SlurmAttemptRecord? {
        read(task.folder).first { $0.stage == task.stage && $0.task == task.task && $0.slurmTask == task.slurmTask && $0.restart == task.restart }
    }

    /// A new record for `task`, numbered after the attempts recorded before.
    static func fresh(_ task: SlurmTaskIdentity, at time: Date) -> SlurmAttemptRecord {
        let before = read(task.folder).filter { $0.stage == task.stage && $0.task == task.task }.map(\.attempt).max() ?? 0
        return SlurmAttemptRecord(stage: task.stage, task: task.task, attempt: before + 1, slurmTask: task.slurmTask, restart: task.restart,
                                  host: task.host, started: time.timeIntervalSince1970, log: task.log)
    }

    func write(_ job: JobFolder) throws {
        let folder = Self.folder(job)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try StableJSON.encoder.encode(self).write(to: URL(fileURLWithPath: folder + "/" + fileName), options: .atomic)
    }
}

/// Which task of which job a process of a Slurm batch script belongs to, from the variables Slurm and
/// the script set.
public struct SlurmTaskIdentity: Sendable, Equatable {
    public var folder: JobFolder
    public var stage: Stage
    public var task: Int
    /// `ARRAY_TASK` for a render task, the job id for the stitch.
    public var slurmTask: String
    public var restart: Int
    public var host: String

    /// Nil outside a Slurm task of blendbatch (no job folder or no Slurm job id).
    public init?(environment: [String: String]) {
        guard let folder = environment[SlurmTaskEnd.folderVariable], let job = environment["SLURM_JOB_ID"] else { return nil }
        self.folder = JobFolder(path: folder)
        if let array = environment["SLURM_ARRAY_JOB_ID"], let index = environment[SlurmScript.indexVariable] {
            stage = .render
            slurmTask = "\(array)_\(index)"
            task = SlurmScript.taskIndex(environment) ?? 0
        } else {
            stage = .stitch
            slurmTask = job
            task = 0
        }
        restart = environment["SLURM_RESTART_COUNT"].flatMap { Int($0) } ?? 0
        host = environment["SLURMD_NODENAME"] ?? ProcessInfo.processInfo.hostName
    }

    /// The task's log, relative to the job folder (as `SlurmExecutor` names it with `--output`).
    public var log: String { "logs/slurm-\(stage.rawValue)-\(slurmTask).log" }
}
