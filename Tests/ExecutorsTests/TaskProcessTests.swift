import Foundation
import Testing
@testable import Executors

@Suite("TaskProcess", .serialized)
struct TaskProcessTests {
    @Test("a task starts as leader of its own process group, logs to its file, and is found by its environment mark")
    func spawnAndStop() async throws {
        let log = NSTemporaryDirectory() + "bb-spawn-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let mark = "bb-test-\(UUID().uuidString)"
        let pid = try TaskProcess.spawn(["sh", "-c", "echo hello $MARK; sleep 30 & wait"],
                                        environment: ["MARK": mark, "PATH": "/usr/bin:/bin"], logPath: log)
        #expect(getpgid(pid) == pid)
        // The shell and its sleep, once the sleep has started.
        #expect(try await waitUntil(seconds: 30) { TaskProcess.processes(withEnvironment: "MARK=\(mark)").count == 2 })
        #expect(TaskProcess.processes(withEnvironment: "MARK=\(mark)").contains(pid))
        #expect(TaskProcess.signalGroup(pid, SIGTERM))
        #expect(await TaskProcess.waitForExit(pid) == .signaled(SIGTERM))
        #expect(try await waitUntil(seconds: 30) { TaskProcess.processes(withEnvironment: "MARK=\(mark)").isEmpty })
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "hello \(mark)\n")
    }

    @Test("exit codes come back; a missing program is an error, not a crash")
    func exitCodes() async throws {
        let pid = try TaskProcess.spawn(["sh", "-c", "exit 70"], environment: ["PATH": "/usr/bin:/bin"], logPath: "/dev/null")
        #expect(await TaskProcess.waitForExit(pid) == .exited(70))
        #expect(throws: ExecutorError.self) {
            try TaskProcess.spawn(["/nonexistent/blendbatch-worker"], environment: [:], logPath: "/dev/null")
        }
    }

    @Test("stopProcesses SIGKILLs what ignores SIGTERM after the grace period")
    func stubborn() async throws {
        let mark = "bb-test-\(UUID().uuidString)"
        let log = NSTemporaryDirectory() + "bb-stubborn-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try TaskProcess.spawn(["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"],
                                        environment: ["MARK": mark, "PATH": "/usr/bin:/bin"], logPath: log)
        // SIGTERM only once the trap is set: the shell says so.
        #expect(try await waitUntil(seconds: 30) { (try? String(contentsOfFile: log, encoding: .utf8)) == "ready\n" })
        #expect(await TaskProcess.stopProcesses(withEnvironment: "MARK=\(mark)", grace: 0.3) >= 1)
        #expect(await TaskProcess.waitForExit(pid) == .signaled(SIGKILL))
    }
}
