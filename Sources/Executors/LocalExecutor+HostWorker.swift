import Foundation
import Synchronization

extension LocalExecutor {
    /// The `blendbatch` program tasks run when this process is not blendbatch itself (the `lua5.4`
    /// plugin finds it next to the module or on PATH and sets it here; "" = it looked and found none).
    public static let hostWorker = Mutex<String?>(nil)

    /// Why tasks cannot start in this process, when the host looked for `blendbatch` and found none.
    public static var missingWorker: String? {
        guard ProcessInfo.processInfo.environment["BLENDBATCH_WORKER"]?.isEmpty ?? true, hostWorker.withLock({ $0 }) == "" else { return nil }
        return "cannot start render tasks: the blendbatch program (tasks run `blendbatch worker`) is neither next to "
            + "blendbatch.so nor on PATH; put it on PATH, link it beside the module, or set BLENDBATCH_WORKER='/path/to/blendbatch worker'"
    }

    /// The first `blendbatch` executable in `folders`, then on `PATH`.
    public static func findWorkerProgram(besides folders: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        return (folders + path).map { $0 + "/blendbatch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
