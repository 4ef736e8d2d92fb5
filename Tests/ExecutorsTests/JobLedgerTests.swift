import Foundation
import Testing
@testable import Executors

@Suite("JobLedger and Journal")
struct JobLedgerTests {
    @Test("the journal round-trips through its file and skips a torn last line")
    func journalFile() throws {
        let path = NSTemporaryDirectory() + "bb-journal-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(path: path)
        journal.append(JournalEntry(.run, run: 1))
        journal.append(JournalEntry(.start, stage: .render, task: 0, attempt: 1, pid: 42, pgid: 42, log: "logs/task-0.1.log"))
        journal.append(JournalEntry(.exit, stage: .render, task: 0, attempt: 1, exit: .signaled(9), decision: .retry(counted: false, after: 0)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        handle.write(Data("{\"kind\":\"sta".utf8))   // a crash mid-write
        try handle.close()
        let entries = Journal.read(path: path)
        #expect(entries.count == 3)
        #expect(entries[1].pid == 42 && entries[2].exit == .signaled(9))
        #expect(entries[2].decision == .retry(counted: false, after: 0))
    }

    @Test("replay counts attempts, retries, interruptions, running groups and failed frames")
    func replay() {
        var ledger = JobLedger()
        for entry in [
            JournalEntry(.run, run: 1),
            JournalEntry(.start, stage: .render, task: 0, attempt: 1, pid: 10, pgid: 10, log: "logs/task-0.1.log"),
            JournalEntry(.start, stage: .render, task: 1, attempt: 1, pid: 11, pgid: 11, log: "logs/task-1.1.log"),
            JournalEntry(.interrupt, stage: .render, task: 0, attempt: 1),
            JournalEntry(.exit, stage: .render, task: 0, attempt: 1, exit: .exited(75), decision: .retry(counted: false, after: 0), duration: 2),
            JournalEntry(.start, stage: .render, task: 0, attempt: 2, pid: 12, pgid: 12, log: "logs/task-0.2.log"),
            JournalEntry(.exit, stage: .render, task: 0, attempt: 2, exit: .exited(70), decision: .dropFrames([3], reason: "Blender failed"), duration: 1),
        ] { ledger.apply(entry) }
        #expect(ledger.attempts == 3 && ledger.retries == 1 && ledger.interruptions == 1 && ledger.notices == 1)
        #expect(ledger.runningGroups.map(\.pgid) == [11])
        #expect(ledger.failedFrames == [FailedFrame(frame: 3, task: 0, reason: "Blender failed", log: "logs/task-0.2.log")])
        #expect(ledger.renderSeconds == 3)
        let dead = ledger.status(id: "j", framesTotal: 4, framesDone: 2, tasksTotal: 2, controllerAlive: false)
        #expect(dead.state == .interrupted && dead.tasksRunning == 1 && dead.tasksFailed == 1)
        ledger.apply(JournalEntry(.run, run: 2))
        #expect(ledger.runs == 2 && ledger.failedFrames.isEmpty && ledger.state == .running)
    }
}
