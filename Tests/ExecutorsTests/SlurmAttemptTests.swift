import Foundation
import Testing
@testable import Executors
import RenderPlan

@Suite("Slurm: attempt records and the report's timeline (no cluster)")
struct SlurmAttemptTests {
    /// The environment of a batch script of job `folder`: render task `index` of array 40 (offset 4), or the stitch.
    func environment(_ folder: String, index: Int? = 1, restart: Int = 0, job: String = "41") -> [String: String] {
        var environment = ["BLENDBATCH_JOB_FOLDER": folder, "SLURM_JOB_ID": job, "SLURM_RESTART_COUNT": String(restart),
                           "SLURMD_NODENAME": "node7"]
        if let index {
            environment["SLURM_ARRAY_JOB_ID"] = "40"
            environment["SLURM_ARRAY_TASK_ID"] = String(index)
            environment["BLENDBATCH_INDEX_OFFSET"] = "4"
        }
        return environment
    }

    func tempFolder() -> String { FileManager.default.temporaryDirectory.path + "/slurm-attempts-\(UUID())" }

    @Test("a task's identity from Slurm's variables: the job's task index (array index + offset), its log, host and restart count")
    func identity() throws {
        let render = try #require(SlurmTaskIdentity(environment: environment("/j", restart: 2)))
        #expect(render.stage == .render && render.task == 5 && render.slurmTask == "40_1" && render.restart == 2 && render.host == "node7")
        #expect(render.log == "logs/slurm-render-40_1.log")
        let stitch = try #require(SlurmTaskIdentity(environment: environment("/j", index: nil, job: "42")))
        #expect(stitch.stage == .stitch && stitch.task == 0 && stitch.slurmTask == "42" && stitch.log == "logs/slurm-stitch-42.log")
        #expect(SlurmTaskIdentity(environment: ["SLURM_JOB_ID": "1"]) == nil)
    }

    @Test("attempts are numbered per task across requeues; an end completes the attempt's own record")
    func numbering() throws {
        let folder = tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try #require(SlurmTaskIdentity(environment: environment(folder)))
        #expect(try SlurmAttemptRecord.started(first, at: Date(timeIntervalSince1970: 100)) == 1)
        #expect(try SlurmAttemptRecord.started(first) == 1)   // the same attempt asked again
        try SlurmAttemptRecord.ended(first, code: 70, outcome: .retried, detail: "exit 70: requeued", at: Date(timeIntervalSince1970: 103.5))
        var second = first
        second.restart = 1
        #expect(try SlurmAttemptRecord.started(second, at: Date(timeIntervalSince1970: 110)) == 2)
        let other = try #require(SlurmTaskIdentity(environment: environment(folder, index: 2)))
        #expect(try SlurmAttemptRecord.started(other) == 1)

        let records = SlurmAttemptRecord.read(JobFolder(path: folder)).filter { $0.task == 5 }
        #expect(records.map(\.attempt) == [1, 2])
        #expect(records[0].started == 100 && records[0].ended == 103.5 && records[0].exitCode == 70 && records[0].outcome == .retried)
        #expect(records[1].ended == nil && records[1].outcome == nil && records[1].restart == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/slurm/attempts/render-5.2.json"))
    }

    @Test("the task's end decides, records and says the same: a cancelled job's task is not requeued and is marked cancelled")
    func endRecorded() throws {
        let folder = tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = environment(folder)
        let task = try #require(SlurmTaskIdentity(environment: env))
        try SlurmAttemptRecord.started(task)
        // 65 is never retried: failed (no slurm.json, so no stitch to cancel and no cluster asked).
        let decision = SlurmTaskEnd.handle(code: 65, environment: env)
        guard case .fail(let reason) = decision else { Issue.record("65 was not failed: \(decision)"); return }
        var record = try #require(SlurmAttemptRecord.read(JobFolder(path: folder)).first)
        #expect(record.outcome == .failed && record.exitCode == 65 && record.ended != nil)
        #expect(record.detail == "exit 65: not retried: \(reason)" && reason.contains("bad input"), "\(record.detail ?? "")")

        _ = FileManager.default.createFile(atPath: SlurmJobHandle.cancelMarker(JobFolder(path: folder)), contents: Data())
        var again = env
        again["SLURM_RESTART_COUNT"] = "1"
        #expect(SlurmTaskEnd.handle(code: 75, environment: again) == .cancelled)
        record = try #require(SlurmAttemptRecord.read(JobFolder(path: folder)).first { $0.attempt == 2 })
        #expect(record.outcome == .cancelled && record.detail == "exit 75: not retried: the job was cancelled")
    }

    func record(_ task: Int, _ attempt: Int, slurm: String, restart: Int = 0, start: Double, end: Double? = nil,
                outcome: AttemptRecord.Outcome? = nil, stage: Stage = .render) -> SlurmAttemptRecord {
        SlurmAttemptRecord(stage: stage, task: task, attempt: attempt, slurmTask: slurm, restart: restart, host: "n1", started: start,
                           ended: end, exitCode: end == nil ? nil : 0, outcome: outcome, detail: end == nil ? nil : "said", log: "logs/\(slurm).log")
    }

    func state(_ json: String) throws -> SlurmJobState { try JSONDecoder().decode(SlurmJobState.self, from: Data(json.utf8)) }

    @Test("the timeline: ended attempts as recorded; unended ones interrupted when Slurm started the task again, running while it runs, else failed or cancelled")
    func timeline() throws {
        let records = [
            record(0, 1, slurm: "40_0", start: 10, end: 12, outcome: .retried),
            record(0, 2, slurm: "40_0", restart: 1, start: 20, end: 30, outcome: .succeeded),
            record(1, 1, slurm: "40_1", start: 10),                      // killed; attempt 2 started
            record(1, 2, slurm: "40_1", restart: 1, start: 25),          // running now
            record(2, 1, slurm: "40_2", start: 11),                      // killed; Slurm requeued it, pending
            record(3, 1, slurm: "40_3", start: 11),                      // killed; the task failed
            record(0, 1, slurm: "42", start: 31, stage: .stitch),        // Slurm forgot it
        ]
        let tasks = [
            "40_1": try state(#"{"job_id": 44, "array_job_id": 40, "array_task_id": 1, "job_state": "RUNNING", "restart_cnt": 1}"#),
            "40_2": try state(#"{"job_id": 45, "array_job_id": 40, "array_task_id": 2, "job_state": "PENDING", "restart_cnt": 1}"#),
            "40_3": try state(#"{"job_id": 46, "array_job_id": 40, "array_task_id": 3, "job_state": "FAILED", "exit_code": 2304, "restart_cnt": 0}"#),
        ]
        // squeue's records are keyed as the attempt records name their tasks.
        #expect(tasks.allSatisfy { $0.value.taskID == $0.key })
        #expect(try state(#"{"job_id": 42, "array_job_id": 0, "job_state": "PENDING"}"#).taskID == "42")
        #expect(try state(#"{"job_id": 47, "array_job_id": 47, "array_task_string": "4-5", "job_state": "PENDING"}"#).taskID == nil)
        let lastWrite: (String) -> Date? = { $0 == "logs/40_3.log" ? Date(timeIntervalSince1970: 15) : nil }
        let attempts = SlurmReportSource.attempts(records, tasks: tasks, cancelled: false, lastWrite: lastWrite)
        func find(_ stage: Stage, _ task: Int, _ attempt: Int) -> AttemptRecord? {
            attempts.first { $0.stage == stage && $0.task == task && $0.attempt == attempt }
        }
        #expect(attempts.count == 7)
        #expect(find(.render, 0, 1)?.outcome == .retried && find(.render, 0, 1)?.detail == "said")
        #expect(find(.render, 0, 2)?.outcome == .succeeded && find(.render, 0, 2)?.end == Date(timeIntervalSince1970: 30))
        #expect(find(.render, 1, 1)?.outcome == .interrupted && find(.render, 1, 1)?.end == Date(timeIntervalSince1970: 25))
        #expect(find(.render, 1, 1)?.detail?.contains("Slurm requeued it") == true)
        #expect(find(.render, 1, 2)?.outcome == .running && find(.render, 1, 2)?.end == nil)
        #expect(find(.render, 2, 1)?.outcome == .interrupted)
        #expect(find(.render, 3, 1)?.outcome == .failed && find(.render, 3, 1)?.end == Date(timeIntervalSince1970: 15))
        #expect(find(.render, 3, 1)?.detail?.hasSuffix("failed, exit 9") == true, "\(find(.render, 3, 1)?.detail ?? "")")
        #expect(find(.stitch, 0, 1)?.outcome == .failed && find(.stitch, 0, 1)?.detail?.contains("no longer knows job 42") == true)

        // A cancelled job: its unended last attempts are cancelled, not failed.
        let cancelled = SlurmReportSource.attempts([record(3, 1, slurm: "40_3", start: 11)], tasks: [:], cancelled: true)
        #expect(cancelled.map(\.outcome) == [.cancelled])
    }
}
