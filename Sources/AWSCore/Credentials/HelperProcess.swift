import Foundation
import ProcessSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short-lived helper program (a `credential_process`) to completion and collects its
/// stdout and stderr separately, with a deadline.
///
/// The helper starts with `posix_spawn` (no shell) in its own process group, stdin from
/// /dev/null; on the deadline the whole group gets SIGKILL. The blocking work runs on a thread of
/// its own, never on a concurrency thread.
enum HelperProcess {
    /// What the helper left behind.
    struct Output: Sendable {
        /// The exit code, or nil when a signal ended it.
        var exitCode: Int32?
        var signal: Int32?
        var stdout: Data
        var stderr: Data
    }

    enum Failure: Error, Equatable {
        /// `posix_spawn` refused: no such file, not executable, ...
        case cannotStart(reason: String)
        /// Still running at the deadline; killed.
        case timedOut
    }

    /// Most bytes kept of each stream (credentials are a few hundred).
    static let outputLimit = 1 << 20

    /// Run `arguments` (the program first, a path or a name looked up on PATH) with `environment`.
    static func run(_ arguments: [String], environment: [String: String], timeout: TimeInterval) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, environment: environment, timeout: timeout) })
            }
        }
    }

    static func runBlocking(_ arguments: [String], environment: [String: String], timeout: TimeInterval) throws -> Output {
        let deadline = Date().addingTimeInterval(timeout)
        let out = try makePipe(), err = try makePipe()
        let pid: pid_t
        do {
            pid = try spawn(arguments, environment: environment, stdout: out.write, stderr: err.write)
        } catch {
            [out.read, out.write, err.read, err.write].forEach { _ = close($0) }
            throw error
        }
        close(out.write)
        close(err.write)
        defer {
            close(out.read)
            close(err.read)
        }
        var stdout = Data(), stderr = Data()
        let finished = drain([(out.read, { stdout.append($0) }), (err.read, { stderr.append($0) })], until: deadline)
        guard finished, let status = reap(pid, until: deadline) else {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = WaitStatus.wait(for: pid)
            throw Failure.timedOut
        }
        switch WaitStatus(status) {
        case .exited(let code): return Output(exitCode: code, signal: nil, stdout: stdout, stderr: stderr)
        case .signaled(let signal): return Output(exitCode: nil, signal: signal, stdout: stdout, stderr: stderr)
        }
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        do { return try ProcessSpawn.pipe() } catch { throw Failure.cannotStart(reason: error.reason) }
    }

    private static func spawn(_ arguments: [String], environment: [String: String], stdout: Int32, stderr: Int32) throws -> pid_t {
        do {
            return try ProcessSpawn.spawn(arguments, environment: environment, output: .separate(stdout: stdout, stderr: stderr))
        } catch {
            throw Failure.cannotStart(reason: error.reason)
        }
    }

    private static func drain(_ streams: [(fd: Int32, sink: (Data) -> Void)], until deadline: Date) -> Bool {
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
                let room = max(0, outputLimit - kept[entry.fd, default: 0])
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
