/// Exit codes shared by every blendbatch command and the worker, so an executor (local pool or
/// AWS Batch `evaluateOnExit`) can tell "retry" from "stop". Values follow BSD `sysexits.h`.
public enum ExitCode: Int32, Sendable, CaseIterable {
    case success = 0
    /// An unexpected failure, or a Lua recipe error.
    case failure = 1
    /// Bad command line (unknown option, impossible frame set).
    case usage = 64
    /// Input data is bad: a corrupt or truncated .blend, an unknown scene. Never retried.
    case dataError = 65
    /// An input file or object does not exist.
    case noInput = 66
    /// A required program is missing (Blender, FFmpeg).
    case unavailable = 69
    /// Blender crashed or reported an error while rendering. Retried within the budget.
    case renderFailure = 70
    /// Writing output failed (disk full, permission). 
    case ioError = 74
    /// The task was interrupted (SIGTERM, Spot reclaim) and kept its finished frames. Always retried.
    case interrupted = 75
    /// The store refused or could not be reached (unknown bucket, access denied, bad credentials).
    case storeError = 76
    /// Cancelled by the user (Ctrl-C).
    case cancelled = 130
    /// A sandboxed recipe reached for something it was not handed (a file, a URL, a program).
    case notPermitted = 77

    /// The name Lua sees as a failure's code (`nil, message, "no_input"`): snake case of the case name.
    public var name: String {
        switch self {
        case .success: "success"
        case .failure: "failure"
        case .usage: "usage"
        case .dataError: "data_error"
        case .noInput: "no_input"
        case .unavailable: "unavailable"
        case .renderFailure: "render_failure"
        case .ioError: "io_error"
        case .interrupted: "interrupted"
        case .storeError: "store_error"
        case .cancelled: "cancelled"
        case .notPermitted: "not_permitted"
        }
    }

    /// The exit code a Lua failure code names (`"no_input"` → 66), nil for other names.
    public init?(name: String) {
        guard let code = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = code
    }

    /// Whether an executor should run the task again after this exit.
    public var isRetryable: Bool { self == .interrupted || self == .renderFailure || self == .storeError }
}
