import Foundation
import RenderPlan

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal
/// (logs and CI get the end summary only). Used by `blendbatch render`, `job:wait{progress=true}`,
/// `store cp` and `chaos`.
///
/// With `BLENDBATCH_PROGRESS=json` (what the Blender add-on sets) it writes one line per redraw
/// instead, for a program to read: `blendbatch-progress: {"detail":…,"done":3,"job":…,"label":…,"total":12}`.
public final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: Int
    private let job: String?
    private let start = Date()
    private let enabled: Bool
    private let lines: Bool
    private var lastDraw = Date.distantPast

    /// - Parameter enabled: whether to draw at all (default: when stderr is a terminal, or lines are asked for).
    public init(label: String, total: Int, job: String? = nil, enabled: Bool? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.total = max(total, 1)
        self.job = job
        lines = environment["BLENDBATCH_PROGRESS"] == "json"
        self.enabled = enabled ?? (lines || isatty(STDERR_FILENO) == 1)
        if lines { update(done: 0) }
    }

    /// Redraw with `done` of `total` finished and an optional detail (e.g. "frame 12 · sample 3/8").
    /// Throttled to 10 redraws a second (2 lines a second with `BLENDBATCH_PROGRESS=json`).
    public func update(done: Int, detail: String = "") {
        lock.lock(); defer { lock.unlock() }
        guard enabled, Date().timeIntervalSince(lastDraw) > (lines ? 0.5 : 0.1) || done >= total else { return }
        lastDraw = Date()
        if lines { return writeLine(done: done, detail: detail) }
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
        if enabled, !lines { StandardStream.error.write("\r\u{1B}[2K") }
    }

    /// The `BLENDBATCH_PROGRESS=json` line.
    private func writeLine(done: Int, detail: String) {
        struct Line: Encodable { var label: String, done: Int, total: Int, detail: String, job: String? }
        let line = Line(label: label, done: min(done, total), total: total, detail: detail, job: job)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(line) else { return }
        StandardStream.error.write("blendbatch-progress: " + String(decoding: data, as: UTF8.self) + "\n")
    }

    /// `m:ss` (or `h:mm:ss`).
    public static func clock(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
