import Foundation
import ProcessSpawn
#if canImport(Glibc)
import Glibc
#endif

/// Starting, waiting for and stopping task processes, each the leader of its own process group
/// so one signal reaches the task and everything it started.
public enum TaskProcess {
    /// Start `command` in a new process group with `environment` (complete), stdin from /dev/null and
    /// stdout+stderr appended to `logPath`. Returns the pid (= the process group id).
    public static func spawn(_ command: [String], environment: [String: String], logPath: String) throws -> pid_t {
        do { return try ProcessSpawn.spawn(command, environment: environment, output: .appending(path: logPath)) } catch {
            throw ExecutorError.spawnFailed(error.program, reason: error.reason)
        }
    }

    /// Wait for child `pid` to end, on a dedicated thread (a blocking `waitpid` must not hold a
    /// concurrency thread), reaping only this pid so other child processes are left to their owners.
    public static func waitForExit(_ pid: pid_t) async -> TaskExit {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: WaitStatus.wait(for: pid).map(TaskExit.init) ?? .exited(-1))
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    /// Send `signal` to process group `pgid`; false when the group no longer exists.
    @discardableResult
    public static func signalGroup(_ pgid: pid_t, _ signal: Int32) -> Bool {
        guard pgid > 1 else { return false }
        return killpg(pgid, signal) == 0
    }

    /// Pids of processes whose environment holds `marker` (`NAME=value`), this process excluded.
    /// Finds a task's processes even when they left its process group (Blender in a group of its own).
    public static func processes(withEnvironment marker: String) -> [pid_t] {
        #if os(Linux)
        let needle = Array(marker.utf8) + [0]
        let me = getpid()
        var found: [pid_t] = []
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), pid != me else { continue }
            let fd = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            close(fd)
            if contains(bytes, needle) { found.append(pid) }
        }
        return found
        #else
        return []
        #endif
    }

    /// Stop every process whose environment holds `marker`: SIGTERM, then SIGKILL after `grace`.
    /// Returns how many processes were found.
    @discardableResult
    public static func stopProcesses(withEnvironment marker: String, grace: Double) async -> Int {
        let pids = processes(withEnvironment: marker)
        guard !pids.isEmpty else { return 0 }
        for pid in pids { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, pids.contains(where: { isAlive($0) }) {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        for pid in pids where isAlive(pid) { kill(pid, SIGKILL) }
        return pids.count
    }

    /// True while `pid` exists and is not a zombie.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        #if os(Linux)
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(close, offsetBy: 2)...].first
            return state != "Z" && state != "X"
        }
        #endif
        return true
    }

    private static func contains(_ environ: [UInt8], _ needle: [UInt8]) -> Bool {
        // Entries are NUL-terminated; match a whole entry (at the start or after a NUL).
        guard environ.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= environ.count {
            if environ[start..<start + needle.count].elementsEqual(needle) { return true }
            guard let next = environ[start...].firstIndex(of: 0) else { return false }
            start = next + 1
        }
        return false
    }
}
