import Foundation

/// This machine's blendbatch state, outside any output: `$XDG_STATE_HOME/blendbatch` (default
/// `~/.local/state/blendbatch`) holds the registry of recent jobs, and `jobs` the job folders of
/// local runs whose output is a store URL (their lock, journal and logs must stay on this machine).
public enum StateDirectory {
    /// `$XDG_STATE_HOME/blendbatch`, else `~/.local/state/blendbatch`.
    public static var base: String {
        let env = ProcessInfo.processInfo.environment
        let home = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (env["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return home + "/blendbatch"
    }

    /// Where job folders of store-URL outputs live: `$BLENDBATCH_STATE_DIR`, else `<base>/jobs`.
    public static var jobs: String {
        if let dir = ProcessInfo.processInfo.environment["BLENDBATCH_STATE_DIR"], !dir.isEmpty {
            return (dir as NSString).standardizingPath
        }
        return base + "/jobs"
    }
}
