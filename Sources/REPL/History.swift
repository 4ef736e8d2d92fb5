import Foundation

/// Where the REPL keeps its history: `$BLENDBATCH_HISTORY`, else `$XDG_STATE_HOME/blendbatch/history`,
/// else `~/.local/state/blendbatch/history`.
enum HistoryFile {
    /// Entries kept (older ones are dropped when saving).
    static let capacity: Int32 = 1000

    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["BLENDBATCH_HISTORY"], !explicit.isEmpty { return explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/blendbatch/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/blendbatch/history"
    }

    /// Create the folder that holds `path` (private to the user).
    static func prepare(_ path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }
}
