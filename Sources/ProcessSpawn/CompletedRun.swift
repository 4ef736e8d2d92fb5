import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a short-lived tool left behind when it ended.
public struct CompletedRun: Sendable {
    /// The exit code, or nil when a signal ended it.
    public var exitCode: Int32?
    public var signal: Int32?
    public var stdout: Data
    public var stderr: Data
}

extension ProcessSpawn {
    /// Why `runToCompletion` has no `CompletedRun`.
    public enum RunFailure: Error, Equatable, Sendable {
        /// `posix_spawn` refused: no such file, not executable, ...
        case cannotStart(reason: String)
        /// Still running at the deadline; its whole process group was killed.
        case timedOut
    }

    /// Run a short-lived tool (a `credential_process`, `sbatch`, `squeue`) to completion, collecting
    /// stdout and stderr separately (at most `outputLimit` bytes of each), with a deadline: at the
    /// deadline its process group gets SIGKILL. Blocks the calling thread.
    public static func runToCompletion(_ arguments: [String], environment: [String: String], timeout: TimeInterval,
                                       outputLimit: Int = 1 << 20) throws(RunFailure) -> CompletedRun {
        let deadline = Date().addingTimeInterval(timeout)
        let out: (read: Int32, write: Int32), err: (read: Int32, write: Int32)
        let pid: pid_t
        do {
            out = try pipe()
            err = try pipe()
        } catch { throw .cannotStart(reason: error.reason) }
        do {
            pid = try spawn(arguments, environment: environment, output: .separate(stdout: out.write, stderr: err.write))
        } catch {
            [out.read, out.write, err.read, err.write].forEach { _ = close($0) }
            throw .cannotStart(reason: error.reason)
        }
        close(out.write)
        close(err.write)
        defer {
            close(out.read)
            close(err.read)
        }
        var stdout = Data(), stderr = Data()
        let finished = drain([(out.read, { stdout.append($0) }), (err.read, { stderr.append($0) })],
                             limit: outputLimit, until: deadline)
        guard finished, let status = reap(pid, until: deadline) else {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = WaitStatus.wait(for: pid)
            throw .timedOut
        }
        switch WaitStatus(status) {
        case .exited(let code): return CompletedRun(exitCode: code, signal: nil, stdout: stdout, stderr: stderr)
        case .signaled(let signal): return CompletedRun(exitCode: nil, signal: signal, stdout: stdout, stderr: stderr)
        }
    }

    /// Read every stream to its end (keeping `limit` bytes of each); false at the deadline.
    private static func drain(_ streams: [(fd: Int32, sink: (Data) -> Void)], limit: Int, until deadline: Date) -> Bool {
        var open = streams
        var kept = [Int32: Int]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return false }
            var polls = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), Int32(min(remaining * 1000 + 1, 1000)))
            if ready < 0 && errno != EINTR { return false }
            guard ready > 0 else { continue }
            var ended: Set<Int32> = []
            for entry in polls where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { ended.insert(entry.fd); continue }
                let room = max(0, limit - kept[entry.fd, default: 0])
                if room > 0, let stream = open.first(where: { $0.fd == entry.fd }) {
                    stream.sink(Data(buffer[0..<min(count, room)]))
                    kept[entry.fd, default: 0] += min(count, room)
                }
            }
            open.removeAll { ended.contains($0.fd) }
        }
        return true
    }

    /// The wait status once `pid` exits, or nil if it is still running at `deadline`.
    private static func reap(_ pid: pid_t, until deadline: Date) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 && errno != EINTR { return 0 }
            if Date() >= deadline { return nil }
            usleep(5_000)
        }
    }
}
