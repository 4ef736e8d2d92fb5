import Foundation
import RenderPlan

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal
/// (logs and CI get the end summary only). Used by `blendbatch render`, `job:wait{progress=true}`,
/// `store cp` and `chaos`.
public final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: Int
    private let start = Date()
    private let enabled: Bool
    private var lastDraw = Date.distantPast

    public init(label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
    }

    /// Redraw with `done` of `total` finished and an optional detail (e.g. "frame 12 · sample 3/8").
    /// Throttled to 10 redraws a second.
    public func update(done: Int, detail: String = "") {
        lock.lock(); defer { lock.unlock() }
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = Date()
        let fraction = Double(min(done, total)) / Double(total)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 && done < total ? " ETA " + Self.clock(elapsed / Double(done) * Double(total - done)) : ""
        let line = "\(label) \(bar) \(done)/\(total) \(Self.clock(elapsed))\(eta) \(detail)"
        StandardStream.error.write("\r\u{1B}[2K" + line)
    }

    /// Clear the bar's line so the summary that follows starts clean.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if enabled { StandardStream.error.write("\r\u{1B}[2K") }
    }

    /// `m:ss` (or `h:mm:ss`).
    public static func clock(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
