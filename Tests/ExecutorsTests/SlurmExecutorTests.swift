import Foundation
import Testing
@testable import Executors
import RenderPlan

@Suite("Slurm: retry decisions and job states (no cluster)")
struct SlurmDecisionTests {
    func counter() -> AttemptCounter {
        AttemptCounter(path: FileManager.default.temporaryDirectory.path + "/slurm-attempts-\(UUID())/task")
    }

    @Test("75 is requeued uncounted; 70 and 76 within the budget; 65, 66, 69, 74 never")
    func decisions() {
        let policy = RetryPolicy(maxAttempts: 2, maxInterruptions: 2)
        #expect(SlurmTaskEnd.decide(code: 0, counter: counter(), policy: policy) == .done)
        let interrupted = counter()
        #expect(SlurmTaskEnd.decide(code: 75, counter: interrupted, policy: policy) == .requeue(counted: false))
        #expect(SlurmTaskEnd.decide(code: 75, counter: interrupted, policy: policy) == .requeue(counted: false))
        guard case .fail = SlurmTaskEnd.decide(code: 75, counter: interrupted, policy: policy) else { Issue.record("a third interruption was requeued"); return }
        for code: Int32 in [70, 76] {
            let failing = counter()
            #expect(SlurmTaskEnd.decide(code: code, counter: failing, policy: policy) == .requeue(counted: true))
            guard case .fail(let reason) = SlurmTaskEnd.decide(code: code, counter: failing, policy: policy) else { Issue.record("\(code) retried past the budget"); continue }
            #expect(reason.contains("2 of 2 attempts"))
        }
        for code: Int32 in [65, 66, 69, 74] {
            guard case .fail = SlurmTaskEnd.decide(code: code, counter: counter(), policy: policy) else { Issue.record("\(code) was retried"); continue }
        }
    }

    @Test("squeue's records become a JobStatus: a failed task fails the job with its exit code; a cancelled stitch with it")
    func statusFromRecords() throws {
        let json = """
        {"jobs": [
          {"job_id": 41, "array_job_id": 40, "array_task_id": 0, "job_state": "COMPLETED", "exit_code": 0, "restart_cnt": 1},
          {"job_id": 40, "array_job_id": 40, "array_task_id": 1, "job_state": "FAILED", "exit_code": 16640, "restart_cnt": 0},
          {"job_id": 42, "array_job_id": 0, "job_state": "CANCELLED", "exit_code": 0, "restart_cnt": 0}
        ]}
        """
        let jobs = try JSONDecoder().decode(SlurmJobList.self, from: Data(json.utf8)).jobs
        #expect(jobs[1].exitCode == 65)
        #expect(jobs[2].arrayJobID == nil)
        let manifest = JobManifest(id: "j", input: "/x.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1, 2]), FrameChunk(index: 1, frames: [3, 4])],
                                   output: OutputSpec(location: "/tmp/o", name: "x"), stitch: StitchSpec(frameRate: 24))
        let record = SlurmJobRecord(id: "j", arrays: [.init(jobID: "40", offset: 0, count: 2)], stitchJobID: "42",
                                    maxAttempts: 3, maxInterruptions: 20, submittedAt: Date())
        let status = SlurmJobStatus(record: record, manifest: manifest, jobs: jobs, framesDone: 2, video: nil, logs: "/tmp/o/logs").status
        #expect(status.state == .failed)
        #expect(status.failureCode == 65)
        #expect(status.tasksSucceeded == 1 && status.tasksFailed == 1)
        #expect(status.retries == 1)
        #expect(status.stitch == .cancelled)
        #expect(status.reason?.contains("task 1 failed with exit 65") == true, "\(status.reason ?? "")")
        #expect(status.backend == "slurm")

        // Once Slurm forgot the jobs, the store decides.
        let forgotten = SlurmJobStatus(record: record, manifest: manifest, jobs: [], framesDone: 2, video: nil, logs: "").status
        #expect(forgotten.state == .failed)
        #expect(forgotten.reason?.contains("2 frames are missing") == true)
    }

    @Test("the batch script refuses an output folder its node cannot see: one line, exit 66, the worker never started")
    func unseenOutput() throws {
        let folder = JobFolder(path: "/nonexistent-\(UUID())/.blendbatch/jobs/j")
        let script = SlurmScript.task(stage: .render, folder: folder, binary: "/bin/false-worker-never-run", environment: [:],
                                     shared: "--out on a filesystem every node mounts at the same path")
        let run = try CLIRunner.runTool("/bin/sh", ["-c", script])
        let message = run.stderr
        #expect(run.status == 66)
        #expect(message.split(separator: "\n").count == 1, "\(message)")
        #expect(message.contains("\(folder.path) is not visible on ") && message.contains("every node mounts"), "\(message)")
    }
}
