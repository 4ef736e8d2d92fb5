import Foundation
import ProcessSpawn
import RenderPlan
import Testing
@testable import Executors

@Suite("JobControl", .serialized)
struct JobControlTests {
    /// A job whose controller "died": a journal with a started attempt, a live process of that attempt, no lock.
    func deadControllerJob(frames: [Int], rendered: [Int]) async throws -> (JobManifest, JobFolder, pid_t) {
        let out = StandIn.folder()
        let manifest = StandIn.manifest(out: out, frames: frames, chunk: 2)
        let folder = try LocalExecutor(configuration: .init(workerCommand: StandIn.workerCommand)).folder(for: manifest)
        try folder.create(manifest: manifest)
        try FileManager.default.createDirectory(atPath: out + "/frames", withIntermediateDirectories: true)
        for frame in rendered {
            _ = FileManager.default.createFile(atPath: out + "/" + manifest.output.frameKey(frame), contents: Data("x".utf8))
        }
        let orphan = try TaskProcess.spawn(["sleep", "1000"], environment: [
            "PATH": "/usr/bin:/bin", "BLENDBATCH_JOB_ID": manifest.id, "BLENDBATCH_TASK": "\(manifest.id)/render/1/1",
        ], logPath: "/dev/null")
        // Until it has exec'd, the child shows this process's environment: wait for its own marker.
        try #require(try await waitUntil(seconds: 60) {
            TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(manifest.id)").contains(orphan)
        }, "the orphan never showed its own environment")
        let journal = try Journal(path: folder.journalPath)
        journal.append(JournalEntry(.run, run: 1))
        journal.append(JournalEntry(.start, stage: .render, task: 0, attempt: 1, pid: 1, pgid: 1, log: "logs/task-0.1.log"))
        journal.append(JournalEntry(.exit, stage: .render, task: 0, attempt: 1, exit: .exited(0), decision: .succeeded))
        journal.append(JournalEntry(.start, stage: .render, task: 1, attempt: 1, pid: orphan, pgid: orphan, log: "logs/task-1.1.log"))
        return (manifest, folder, orphan)
    }

    @Test("status of a job whose controller died says so; resume stops its orphans and renders only missing frames WithStandInWorker")
    func resumeAfterCrash() async throws {
        let (manifest, folder, orphan) = try await deadControllerJob(frames: Array(1...4), rendered: [1, 2, 3])
        let before = try await JobControl.status(folder: folder)
        #expect(before.state == .interrupted && before.tasksRunning == 1 && before.framesDone == 3 && !before.controllerAlive)
        let frame1 = manifest.output.location + "/" + manifest.output.frameKey(1)
        let stamp = try FileManager.default.attributesOfItem(atPath: frame1)[.modificationDate] as? Date

        let handle = try await standInExecutor().resume(folder)
        let events = EventLog()
        let status = await handle.wait { events.add($0) }
        #expect(status.state == .succeeded && status.framesDone == 4 && status.framesRendered == 1)
        #expect(!TaskProcess.isAlive(orphan))
        _ = await TaskProcess.waitForExit(orphan)
        #expect(events.all.contains(.message("stopped 1 orphaned process(es) of the previous run")))
        #expect(try FileManager.default.attributesOfItem(atPath: frame1)[.modificationDate] as? Date == stamp)
        let entries = Journal.read(path: folder.journalPath)
        #expect(entries.contains { $0.kind == .exit && $0.task == 1 && $0.decision == .cancelled })
        #expect(entries.filter { $0.kind == .run }.map(\.run) == [1, 2])
        #expect(try await JobControl.status(folder: folder).state == .succeeded)
    }

    @Test("cancel of a dead job stops its orphans and records the end")
    func cancelDead() async throws {
        let (_, folder, orphan) = try await deadControllerJob(frames: Array(1...4), rendered: [])
        let status = try await JobControl.cancel(folder: folder)
        #expect(status.state == .cancelled)
        #expect(await TaskProcess.waitForExit(orphan) == .signaled(SIGTERM))
    }

    @Test("cancel of a dead job whose recorded process group now belongs to an unrelated process leaves that process alone")
    func cancelDeadWithReusedGroup() async throws {
        let (manifest, folder, orphan) = try await deadControllerJob(frames: Array(1...4), rendered: [])
        // The pid (and group) the journal names for task 1 now belongs to a process of someone else.
        let stranger = try TaskProcess.spawn(["sleep", "1000"], environment: ["PATH": "/usr/bin:/bin"], logPath: "/dev/null")
        defer { kill(stranger, SIGKILL); _ = WaitStatus.wait(for: stranger) }
        let journal = try Journal(path: folder.journalPath)
        journal.append(JournalEntry(.start, stage: .render, task: 1, attempt: 1, pid: stranger, pgid: stranger, log: "logs/task-1.1.log"))
        #expect(try await JobControl.cancel(folder: folder).state == .cancelled)
        #expect(await TaskProcess.waitForExit(orphan) == .signaled(SIGTERM), "the job's own process is stopped by its mark")
        #expect(TaskProcess.isAlive(stranger), "job \(manifest.id) signalled an unrelated process group")
    }

    @Test("cancel from another controller's view: the live run sees the request and stops WithStandInWorker")
    func cancelLive() async throws {
        let out = StandIn.folder()
        let handle = try await standInExecutor(["STANDIN_FRAME_SECONDS": "5"]).start(StandIn.manifest(out: out, frames: Array(1...4), chunk: 1))
        #expect(try await waitUntil(seconds: 30) { handle.folder.controllerAlive })
        #expect(throws: ExecutorError.jobRunning(handle.id)) { _ = try handle.folder.lock() }
        async let cancelled = JobControl.cancel(folder: handle.folder, timeout: 10)
        let status = await handle.wait()
        #expect(status.state == .cancelled)
        #expect(try await cancelled.state == .cancelled)
        #expect(try JobFolder.find(handle.id, output: out).path == handle.folder.path)
    }
}
