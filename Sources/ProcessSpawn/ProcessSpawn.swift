import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting a program the way every blendbatch child starts: `posix_spawn` (no shell), the leader of a
/// process group of its own (so one signal reaches it and everything it starts, and a terminal's
/// Ctrl-C does not), default signal dispositions and an empty signal mask whatever this process set,
/// stdin from /dev/null, and no descriptor of ours beyond stdout and stderr.
public enum ProcessSpawn {
    /// Where the child's stdout and stderr go.
    public enum Output: Sendable {
        /// Both onto one descriptor (e.g. a pipe's write end).
        case merged(Int32)
        /// stdout and stderr onto two descriptors.
        case separate(stdout: Int32, stderr: Int32)
        /// Both appended to a file (created if needed).
        case appending(path: String)
    }

    /// Why `posix_spawn` refused (no such file, not executable, ...), as `strerror` says it.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let program: String
        public let reason: String
        public var description: String { "cannot start \(program): \(reason)" }
    }

    /// Start `arguments[0]` (a path, or a name looked up on PATH) with the rest as its arguments and
    /// exactly `environment`. Returns its pid, which is also its process group id. A program another
    /// process still holds open for writing (ETXTBSY, a script just written) is tried again briefly.
    public static func spawn(_ arguments: [String], environment: [String: String], output: Output) throws(Failure) -> pid_t {
        guard let program = arguments.first else { throw Failure(program: "(empty command)", reason: "no program") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        switch output {
        case .merged(let fd):
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        case .separate(let stdout, let stderr):
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        case .appending(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Descriptors opened without O_CLOEXEC (Foundation's among them) stay out of the child.
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t(), defaults = sigset_t()
        sigemptyset(&unblocked)
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        var result: Int32 = 0
        for attempt in 0..<10 {
            if attempt > 0 { usleep(20_000) }
            result = program.contains("/")
                ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
                : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
            if result != ETXTBSY { break }
        }
        guard result == 0 else { throw Failure(program: program, reason: String(cString: strerror(result))) }
        return pid
    }

    /// A pipe whose two ends are close-on-exec, so other children started meanwhile do not inherit
    /// (and hold open) it; `spawn` dups the end a child needs onto its stdout/stderr.
    public static func pipe() throws(Failure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw Failure(program: "(pipe)", reason: String(cString: strerror(errno))) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, looked up at run time (Swift's Glibc
    /// module does not import it).
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFromAction: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}
