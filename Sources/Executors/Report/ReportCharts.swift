import Foundation
import Render

/// The report's inline SVG charts: render seconds per frame, and the task timeline.
enum ReportCharts {
    static let width = 1000.0

    /// One bar per rendered frame (`data-frame`, `data-seconds`), slow frames in class `slow`, a dashed line at the median.
    static func frameTimes(_ frames: [FrameMetric], median: Double?, slow: Double?) -> String {
        guard !frames.isEmpty else { return #"<p class="muted">No frame rendered yet.</p>"# }
        let height = 180.0
        let top = max(frames.map(\.seconds).max() ?? 1, 0.001)
        let step = width / Double(frames.count)
        let gap = step > 4 ? step * 0.15 : 0
        var svg = #"<svg class="chart" id="frame-times" viewBox="0 0 \#(width) \#(height)" preserveAspectRatio="none" role="img" aria-label="render seconds per frame">"#
        svg.reserveCapacity(frames.count * 110 + 400)
        for (i, frame) in frames.enumerated() {
            let h = max(frame.seconds / top * (height - 4), 0.5)
            let cls = slow.map { frame.seconds > $0 } == true ? " class=\"slow\"" : ""
            svg += "<rect data-frame=\"\(frame.frame)\" data-seconds=\"\(num(frame.seconds, 3))\"\(cls) x=\"\(num(Double(i) * step, 2))\" "
                + "y=\"\(num(height - h, 2))\" width=\"\(num(max(step - gap, 0.1), 3))\" height=\"\(num(h, 2))\">"
                + "<title>frame \(frame.frame): \(num(frame.seconds, 2)) s</title></rect>"
        }
        if let median {
            let y = num(height - median / top * (height - 4), 2)
            svg += #"<line class="median" x1="0" x2="\#(width)" y1="\#(y)" y2="\#(y)"/>"#
        }
        return svg + "</svg>"
    }

    /// One lane per task (the stitch last), one bar per attempt coloured by its outcome; interruptions
    /// and failures also get a mark at their end.
    static func timeline(_ attempts: [AttemptRecord], now: Date) -> String {
        guard let start = attempts.map(\.start).min() else { return #"<p class="muted">No task started yet.</p>"# }
        let end = attempts.map { $0.end ?? now }.max() ?? now
        let span = max(end.timeIntervalSince(start), 0.001)
        let lanes = Array(Set(attempts.map { TaskKey(stage: $0.stage, index: $0.task) })).sorted()
        let row = Dictionary(uniqueKeysWithValues: lanes.enumerated().map { ($1, $0) })
        let label = lanes.count <= 60 ? 90.0 : 0
        let lane = 14.0, height = Double(lanes.count) * lane
        let plot = width - label
        let shown = min(max(height, 40), 700)
        var svg = #"<svg class="chart" id="timeline" viewBox="0 0 \#(width) \#(height)" preserveAspectRatio="none" style="height:\#(Int(shown))px" role="img" aria-label="task attempts over time">"#
        svg.reserveCapacity(attempts.count * 160 + lanes.count * 60)
        if label > 0 {
            for (i, key) in lanes.enumerated() {
                svg += "<text x=\"2\" y=\"\(num(Double(i) * lane + 11, 1))\">\(key.stage == .stitch ? "stitch" : "task \(key.index)")</text>"
            }
        }
        for attempt in attempts {
            let y = Double(row[TaskKey(stage: attempt.stage, index: attempt.task)] ?? 0) * lane + 2
            let x = label + attempt.start.timeIntervalSince(start) / span * plot
            let w = max(attempt.seconds(now: now) / span * plot, 1)
            let what = "\(attempt.stage == .stitch ? "stitch" : "task \(attempt.task)") attempt \(attempt.attempt): \(attempt.outcome.rawValue)"
                + (attempt.detail.map { " — \($0)" } ?? "") + " (\(num(attempt.seconds(now: now), 1)) s)"
            svg += "<rect class=\"\(attempt.outcome.rawValue)\" data-task=\"\(attempt.task)\" data-stage=\"\(attempt.stage.rawValue)\" "
                + "data-attempt=\"\(attempt.attempt)\" data-outcome=\"\(attempt.outcome.rawValue)\" x=\"\(num(x, 2))\" y=\"\(num(y, 1))\" "
                + "width=\"\(num(w, 2))\" height=\"\(num(lane - 4, 1))\"><title>\(ReportHTML.escape(what))</title></rect>"
            if [.interrupted, .failed].contains(attempt.outcome) {
                svg += "<circle class=\"mark-\(attempt.outcome.rawValue)\" cx=\"\(num(x + w, 2))\" cy=\"\(num(y + (lane - 4) / 2, 1))\" r=\"4\"/>"
            }
        }
        return svg + "</svg>"
    }

    /// `value` with at most `decimals` decimals (String(format:) is too slow for 10,000 frames).
    static func num(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale), fraction = scaled % Int(scale)
        var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: decimals - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
