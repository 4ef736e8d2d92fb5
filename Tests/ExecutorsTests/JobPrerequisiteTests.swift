import Foundation
import RenderPlan
import Testing
@testable import Executors

@Suite("Jobs after jobs (local executor)", .serialized)
struct JobPrerequisiteTests {
    @Test("a job after another starts only when it succeeded: its first task starts after the other's end WithStandInWorker")
    func runsAfter() async throws {
        let first = StandIn.manifest(out: StandIn.folder(), frames: [1, 2, 3], chunk: 3, stitch: false)
        let second = StandIn.manifest(out: StandIn.folder(), frames: [1, 2], chunk: 2, stitch: false)
        let executor = standInExecutor(["STANDIN_FRAME_SECONDS": "0.2"])
        let a = try await executor.start(first)
        let b = try await executor.start(second, after: [JobPrerequisite(a)])
        let aEnd = await a.wait()
        let events = EventLog()
        let bEnd = await b.wait { events.add($0) }
        #expect(aEnd.state == .succeeded && bEnd.state == .succeeded && bEnd.framesDone == 2)
        // B's first task started after A's end was journalled.
        let started = try #require(Journal.read(path: b.folder.journalPath).first { $0.kind == .start }?.time)
        let aFinished = try #require(Journal.read(path: a.folder.journalPath).last { $0.kind == .end }?.time)
        #expect(started >= aFinished)
        #expect(events.all.contains { if case .frameDone = $0 { true } else { false } })
    }

    @Test("a failed job skips the jobs after it, transitively; each says why and runs no task WithStandInWorker")
    func failureSkips() async throws {
        let executor = standInExecutor(["STANDIN_BAD_INPUT": "1"])
        let a = try await executor.start(StandIn.manifest(out: StandIn.folder(), frames: [1], chunk: 1, stitch: false))
        let bOut = StandIn.folder()
        let b = try await standInExecutor().start(StandIn.manifest(out: bOut, frames: [1, 2], chunk: 1), after: [JobPrerequisite(a)])
        let c = try await standInExecutor().start(StandIn.manifest(out: StandIn.folder(), frames: [1], chunk: 1), after: [JobPrerequisite(b)])
        let (aEnd, bEnd, cEnd) = (await a.wait(), await b.wait(), await c.wait())
        #expect(aEnd.state == .failed)
        #expect(bEnd.state == .cancelled && bEnd.attempts == 0 && StandIn.frameFiles(bOut).isEmpty)
        #expect(bEnd.reason?.contains("skipped: it comes after job \(a.id), which ended failed") == true)
        #expect(cEnd.state == .cancelled && cEnd.reason?.contains("after job \(b.id), which ended cancelled") == true)
        #expect(JobWatch.exitCode(bEnd) == ExitCode.renderFailure.rawValue)
        #expect(JobWatch.summaryText(bEnd, folder: b.folder).contains("why: skipped: it comes after job \(a.id)"))
    }
}

extension JobPrerequisiteTests {
    @Test("cancelling a job that waits for another ends it at once, cancelled, while the other runs on WithStandInWorker")
    func cancelWhileWaiting() async throws {
        let a = try await standInExecutor(["STANDIN_FRAME_SECONDS": "2"])
            .start(StandIn.manifest(out: StandIn.folder(), frames: [1, 2, 3, 4], chunk: 4, stitch: false))
        let b = try await standInExecutor().start(StandIn.manifest(out: StandIn.folder(), frames: [1], chunk: 1), after: [JobPrerequisite(a)])
        await b.cancel()
        let bEnd = await b.wait()
        #expect(bEnd.state == .cancelled && bEnd.attempts == 0)
        #expect(!(await a.status().state.isFinal), "the job it waited for should still run")
        await a.cancel()
        #expect(await a.wait().state == .cancelled)
    }
}
