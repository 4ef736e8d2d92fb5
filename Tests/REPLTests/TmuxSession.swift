import Foundation
import ProcessSpawn
import Testing

/// Drives a real terminal: a private tmux server running one command in a 120x40 pane.
final class TmuxSession {
    let socket = "bbtest-\(UUID().uuidString.prefix(8))"
    let name = "s"

    init(command: String, environment: [String: String] = [:]) throws {
        let env = environment.map { "\($0.key)=\(Self.shellQuote($0.value))" }.joined(separator: " ")
        // The server this starts inherits our descriptors: give it no pipe to hold open.
        try run(["new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                 "env TERM=xterm \(env) \(command); echo \"[exit $?]\"; sleep 60"], capture: false)
    }

    /// Type literal text (no Enter).
    func type(_ text: String) throws { try run(["send-keys", "-t", name, "-l", text]) }
    /// Send keys by tmux name: "Enter", "Tab", "C-c", "C-d".
    func press(_ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }
    /// Type a line and press Enter.
    func line(_ text: String) throws { try type(text); try press("Enter") }

    /// The visible screen.
    func screen() throws -> String { try run(["capture-pane", "-p", "-t", name]) }

    /// Wait until `predicate(screen)` holds; returns the screen.
    @discardableResult
    func wait(timeout: Double = 10, _ what: String = "", until predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \(what); screen:\n\(last)")
        return last
    }

    /// Wait until the screen contains `text` `count` times.
    @discardableResult
    func wait(for text: String, count: Int = 1, timeout: Double = 10) throws -> String {
        try wait(timeout: timeout, "'\(text)' x\(count)") { $0.components(separatedBy: text).count - 1 >= count }
    }

    func stop() { _ = try? run(["kill-server"]) }
    deinit { stop() }

    /// Run tmux through ProcessSpawn + waitpid (Foundation's Process never sees the client exit when
    /// the client forks the tmux server). ProcessSpawn also gives it an empty signal mask: a server
    /// started from a test thread that blocks signals would inherit that mask, never act on
    /// `kill-server`'s hang-ups, and outlive the test with its REPL. Output, when captured, goes
    /// through a temporary file.
    @discardableResult
    private func run(_ arguments: [String], capture: Bool = true) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString.prefix(6)).txt").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try ProcessSpawn.spawn(["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments,
                                         environment: ProcessInfo.processInfo.environment,
                                         output: .appending(path: capture ? output : "/dev/null"))
        _ = WaitStatus.wait(for: pid)
        return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// The built `blendbatch` binary: $BLENDBATCH_BIN, else <repo>/.build/debug/blendbatch.
func blendbatchBinary() -> String {
    if let bin = ProcessInfo.processInfo.environment["BLENDBATCH_BIN"], !bin.isEmpty { return bin }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return repo.appendingPathComponent(".build/debug/blendbatch").path
}
