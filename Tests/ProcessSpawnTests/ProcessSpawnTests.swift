import Foundation
import Testing
import ProcessSpawn

@Suite("posix_spawn as every child starts")
struct ProcessSpawnTests {

    @Test("the child leads its own process group, gets exactly the environment given, and both streams reach the log")
    func groupEnvironmentAndLog() throws {
        let log = FileManager.default.temporaryDirectory.path + "/spawn-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try ProcessSpawn.spawn(["/bin/sh", "-c", "echo out $ONLY $HOME; echo err >&2; ps -o pgid= -p $$"],
                                         environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"], output: .appending(path: log))
        #expect(WaitStatus.wait(for: pid) == .exited(0))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines == ["out this", "err", String(pid)])
    }

    @Test("signals this process ignores are back to their defaults in the child, and our descriptors stay ours")
    func signalsAndDescriptors() throws {
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let leaked = open("/dev/null", O_RDONLY)  // no O_CLOEXEC on purpose
        defer { close(leaked) }
        let pipe = try ProcessSpawn.pipe()
        let pid = try ProcessSpawn.spawn(["/bin/sh", "-c", "ls /proc/self/fd | wc -l; exec sleep 30"],
                                         environment: ["PATH": "/usr/bin:/bin"], output: .merged(pipe.write))
        close(pipe.write)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(pipe.read, &buffer, buffer.count)
        close(pipe.read)
        // ls sees 0, 1, 2 and its own directory descriptor: nothing of ours leaked in.
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "4")
        kill(pid, SIGTERM)
        #expect(WaitStatus.wait(for: pid) == .signaled(SIGTERM), "SIGTERM ends the child although this process ignores it")
    }

    @Test("wait statuses: an exit code, a signal, and a pid that is not (or no longer) our child")
    func waitStatuses() throws {
        let exiting = try ProcessSpawn.spawn(["/bin/sh", "-c", "exit 75"], environment: [:], output: .appending(path: "/dev/null"))
        #expect(WaitStatus.wait(for: exiting) == .exited(75))
        #expect(WaitStatus.wait(for: exiting) == nil, "reaped already")
        let killed = try ProcessSpawn.spawn(["/bin/sh", "-c", "kill -KILL $$"], environment: [:], output: .appending(path: "/dev/null"))
        #expect(WaitStatus.wait(for: killed) == .signaled(SIGKILL))
        #expect(WaitStatus(75 << 8) == .exited(75) && WaitStatus(SIGSEGV | 0x80) == .signaled(SIGSEGV))  // 0x80: core dumped
        #expect(WaitStatus.exited(3).description == "exit code 3" && !WaitStatus.exited(3).isSuccess && WaitStatus.exited(0).isSuccess)
        #expect(WaitStatus.signaled(SIGSEGV).description == "signal 11 (segmentation fault)" && WaitStatus.signaled(40).description == "signal 40")
    }

    @Test("a program that does not exist fails with its name and the reason")
    func missing() {
        #expect(throws: ProcessSpawn.Failure.self) {
            try ProcessSpawn.spawn(["/nonexistent/blender"], environment: [:], output: .appending(path: "/dev/null"))
        }
        do {
            _ = try ProcessSpawn.spawn(["/nonexistent/blender"], environment: [:], output: .appending(path: "/dev/null"))
        } catch {
            #expect(error.description == "cannot start /nonexistent/blender: No such file or directory")
        }
    }
}
