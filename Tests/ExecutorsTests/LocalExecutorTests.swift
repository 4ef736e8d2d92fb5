import Foundation
import RenderPlan
import Testing
@testable import Executors

/// Events collected from `wait(onEvent:)`.
final class EventLog: @unchecked Sendable {
    // Sendable: `events` is only touched under `lock`.
    private let lock = NSLock()
    private var events: [JobEvent] = []
    func add(_ event: JobEvent) { lock.withLock { events.append(event) } }
    var all: [JobEvent] { lock.withLock { events } }
}

/// Sends an interruption notice to every first render attempt once the stand-in has logged that it
/// runs (its start-up takes a varying time on a loaded machine). Pair it with
/// `STANDIN_FIRST_ATTEMPT_SECONDS`, so a first attempt lasts until the notice, however late it comes.
final class InterruptFirstAttempts: TaskHook, @unchecked Sendable {
    // Sendable: immutable.
    let folder: JobFolder
    let notice: Double
    init(folder: JobFolder, notice: Double) {
        self.folder = folder
        self.notice = notice
    }
    func taskStarted(_ attempt: TaskAttempt, control: any TaskControl) {
        guard attempt.attempt == 1, attempt.key.stage == .render else { return }
        let notice = notice
        let log = folder.path + "/" + folder.logName(stage: .render, index: attempt.key.index, attempt: 1)
        Task {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, (try? String(contentsOfFile: log, encoding: .utf8))?.contains("env AWS_BATCH") != true {
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
            await control.interrupt(attempt, notice: notice)
        }
    }
    func taskEnded(_ attempt: TaskAttempt, exit: TaskExit, duration: Double) {}
}

func standInExecutor(_ environment: [String: String] = [:], workers: Int = 2, maxAttempts: Int = 3,
                     hooks: [any TaskHook] = []) -> LocalExecutor {
    var env = ["STANDIN_FRAME_SECONDS": "0.05"]
    for (name, value) in environment { env[name] = value }
    return LocalExecutor(configuration: .init(workers: workers, workerCommand: StandIn.workerCommand, environment: env,
                                              policy: RetryPolicy(maxAttempts: maxAttempts, backoff: 0.05),
                                              hooks: hooks, cancelGrace: 2, pollInterval: 0.05))
}

@Suite("LocalExecutor", .serialized)
struct LocalExecutorTests {
    @Test("every frame once, Batch's environment in each task, stitch after the array WithStandInWorker")
    func completes() async throws {
        let out = StandIn.folder()
        let manifest = StandIn.manifest(out: out, frames: Array(1...7), chunk: 3)
        let handle = try await standInExecutor(["STANDIN_FRAME_SECONDS": "0.4"]).start(manifest)
        let events = EventLog()
        let status = await handle.wait { events.add($0) }
        #expect(status.state == .succeeded)
        #expect(status.framesDone == 7 && status.framesRendered == 7 && status.tasksSucceeded == 3)
        #expect(StandIn.frameFiles(out) == (1...7).map { String(format: "demo_%04d.png", $0) })
        let log = try String(contentsOfFile: handle.folder.path + "/logs/task-1.1.log", encoding: .utf8)
        #expect(log.contains("AWS_BATCH_JOB_ID=\(manifest.id):1 AWS_BATCH_JOB_ATTEMPT=1 AWS_BATCH_JOB_ARRAY_INDEX=1"))
        #expect(try String(contentsOfFile: out + "/demo.mp4", encoding: .utf8) == "[1, 2, 3, 4, 5, 6, 7]")
        #expect(status.video == out + "/demo.mp4")
        let done = events.all.compactMap { if case .frameDone(_, let done, let total) = $0 { return (done, total) } else { return nil } }
        #expect(done.map(\.0) == Array(1...7) && done.allSatisfy { $0.1 == 7 })
        #expect(events.all.contains { if case .sample(_, _, 4) = $0 { return true } else { return false } })
        let entries = Journal.read(path: handle.folder.journalPath)
        #expect(entries.filter { $0.kind == .start }.count == 4)
        let stitchStart = try #require(entries.firstIndex { $0.kind == .start && $0.stage == .stitch })
        let lastRenderExit = try #require(entries.lastIndex { $0.kind == .exit && $0.stage == .render })
        #expect(lastRenderExit < stitchStart)
        #expect(entries.last?.kind == .end && entries.last?.state == .succeeded)
        #expect(!handle.folder.controllerAlive)
    }

    @Test("frames already in the store are not rendered again WithStandInWorker")
    func skipsExisting() async throws {
        let out = StandIn.folder()
        let first = try await standInExecutor().start(StandIn.manifest(out: out, frames: Array(1...4), chunk: 2)).wait()
        #expect(first.state == .succeeded)
        try FileManager.default.removeItem(atPath: out + "/frames/demo_0003.png")
        let again = try await standInExecutor().start(StandIn.manifest(out: out, frames: Array(1...4), chunk: 2)).wait()
        #expect(again.state == .succeeded && again.framesRendered == 1 && again.attempts == 2)
        #expect(StandIn.frameFiles(out).count == 4)
    }

    @Test("a frame that fails every time is dropped after the budget; the rest complete; the report names it WithStandInWorker")
    func poisonFrame() async throws {
        let out = StandIn.folder()
        let handle = try await standInExecutor(["STANDIN_CRASH_FRAMES": "5"], maxAttempts: 3)
            .start(StandIn.manifest(out: out, frames: Array(1...8), chunk: 4))
        let status = await handle.wait()
        #expect(status.state == .failed)
        #expect(status.failedFrames.map(\.frame) == [5])
        #expect(status.reason?.contains("frame(s) 5 failed after 3 attempts") == true)
        let log = try #require(status.failedFrames.first?.log)
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("frame 5 crashed"))
        #expect(StandIn.frameFiles(out) == [1, 2, 3, 4, 6, 7, 8].map { String(format: "demo_%04d.png", $0) })
        #expect(!FileManager.default.fileExists(atPath: out + "/demo.mp4"))   // no silently short video
        let task1 = Journal.read(path: handle.folder.journalPath).filter { $0.kind == .start && $0.task == 1 }
        #expect(task1.count == 4)   // three failures on frame 5, then the rest of the chunk without it
    }

    @Test("with allowGaps the stitch still runs over the frames there are WithStandInWorker")
    func allowGaps() async throws {
        let out = StandIn.folder()
        let status = try await standInExecutor(["STANDIN_CRASH_FRAMES": "2"], maxAttempts: 1)
            .start(StandIn.manifest(out: out, frames: Array(1...3), chunk: 3, allowGaps: true)).wait()
        #expect(status.state == .failed && status.failedFrames.map(\.frame) == [2] && status.stitch == .succeeded)
        #expect(try String(contentsOfFile: out + "/demo.mp4", encoding: .utf8) == "[1, 3]")
    }

    @Test("bad input fails the job at once, without retries WithStandInWorker")
    func badInput() async throws {
        let out = StandIn.folder()
        let status = try await standInExecutor(["STANDIN_BAD_INPUT": "1"], workers: 1)
            .start(StandIn.manifest(out: out, frames: Array(1...4), chunk: 1)).wait()
        #expect(status.state == .failed && status.attempts == 1 && status.retries == 0)
        #expect(status.reason?.contains("bad input") == true)
    }

    @Test("a worker crash (SIGSEGV) is retried with backoff and the frame completes WithStandInWorker")
    func crashRetried() async throws {
        let out = StandIn.folder()
        let handle = try await standInExecutor(["STANDIN_SEGV_FRAMES": "2"]).start(StandIn.manifest(out: out, frames: Array(1...4), chunk: 2))
        let status = await handle.wait()
        #expect(status.state == .succeeded && status.retries == 1 && status.interruptions == 0)
        let crash = Journal.read(path: handle.folder.journalPath).first { $0.kind == .exit && $0.signal == SIGSEGV }
        #expect(crash?.decision == .retry(counted: true, after: 0.05))
    }

    @Test("cancel stops every task process, children in other process groups included WithStandInWorker")
    func cancel() async throws {
        let out = StandIn.folder()
        let manifest = StandIn.manifest(out: out, frames: Array(1...6), chunk: 2)
        let handle = try await standInExecutor(["STANDIN_CHILD": "1", "STANDIN_FRAME_SECONDS": "10"]).start(manifest)
        // Two stand-ins, each with its stray child, once start-up is over.
        #expect(try await waitUntil(seconds: 60) { TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(manifest.id)").count >= 4 })
        await handle.cancel()
        let status = await handle.wait()
        #expect(status.state == .cancelled)
        #expect(TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(manifest.id)").isEmpty)
        #expect(StandIn.frameFiles(out).isEmpty)
    }

    @Test("an interruption notice is retried without using the failure budget WithStandInWorker")
    func interruption() async throws {
        let out = StandIn.folder()
        let manifest = StandIn.manifest(out: out, frames: Array(1...4), chunk: 2)
        let folder = try standInExecutor().folder(for: manifest)
        let status = try await standInExecutor(["STANDIN_FIRST_ATTEMPT_SECONDS": "600"], maxAttempts: 1,
                                               hooks: [InterruptFirstAttempts(folder: folder, notice: 2)])
            .start(manifest).wait()
        #expect(status.state == .succeeded && status.noticesSent == 2 && status.interruptions == 2)
        #expect(StandIn.frameFiles(out).count == 4)
    }

    @Test("a task that ignores the notice is reclaimed with SIGKILL, strays included, and retried WithStandInWorker")
    func reclaim() async throws {
        let out = StandIn.folder()
        let manifest = StandIn.manifest(out: out, frames: Array(1...4), chunk: 2)
        let folder = try standInExecutor().folder(for: manifest)
        let handle = try await standInExecutor(["STANDIN_FIRST_ATTEMPT_SECONDS": "600", "STANDIN_IGNORE_TERM": "1", "STANDIN_CHILD": "1"],
                                               maxAttempts: 1, hooks: [InterruptFirstAttempts(folder: folder, notice: 0.3)]).start(manifest)
        let status = await handle.wait()
        #expect(status.state == .succeeded && status.interruptions == 2)
        let exits = Journal.read(path: handle.folder.journalPath).filter { $0.kind == .exit && $0.stage == .render }
        let killed = exits.filter { $0.signal == SIGKILL }
        #expect(killed.count == 2, "\(exits.map { "\($0.exit.map(String.init(describing:)) ?? "-") \($0.decision.map(String.init(describing:)) ?? "-")" })")
        #expect(killed.count == 2 && killed.allSatisfy { $0.decision == .retry(counted: false, after: 0) })
        #expect(TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(manifest.id)").isEmpty)
    }
}
