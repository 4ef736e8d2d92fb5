#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended, decoded from a `waitpid` status.
public enum WaitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var isSuccess: Bool { self == .exited(0) }

    /// "exit code 3", "signal 11 (segmentation fault)".
    public var description: String {
        switch self {
        case .exited(let code): return "exit code \(code)"
        case .signaled(let signal):
            let name = [SIGSEGV: "segmentation fault", SIGKILL: "killed", SIGABRT: "abort", SIGTERM: "terminated"][signal]
            return "signal \(signal)\(name.map { " (\($0))" } ?? "")"
        }
    }

    /// Decode a `waitpid` status word (an exit code in bits 8–15, or the signal in bits 0–6).
    public init(_ status: Int32) {
        self = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }

    /// Block until child `pid` ends and reap it (only it); nil when it is not a child of ours
    /// (already reaped). Interrupted waits are retried.
    public static func wait(for pid: pid_t) -> WaitStatus? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return WaitStatus(status)
    }
}
