import Foundation
import Render

/// The job report as one self-contained HTML page: inline CSS and SVG, no script, no font, no
/// fetch; images only the stitch's own, linked relative to the page. While the job runs the page
/// reloads itself every `refreshSeconds`.
public enum ReportHTML {
    public static let refreshSeconds = 5

    public static func render(_ report: JobReportData) -> String {
        let s = report.status
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(report.live ? "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" : "")
        <title>\(escape("\(report.id) — \(s.state.rawValue)"))</title>
        <style>\(style)</style></head><body>
        <header><h1>Job \(escape(report.id))</h1><span class="state \(s.state.rawValue)">\(s.state.rawValue)</span>
        <span class="muted">\(escape(report.backend)) · report of \(escape(ISO8601DateFormatter().string(from: report.generatedAt)))\(report.live ? " · refreshes every \(refreshSeconds) s" : "")</span></header>
        """
        page += progress(report)
        page += section("Render time per frame", summary(report) + ReportCharts.frameTimes(report.frames, median: report.medianFrameSeconds, slow: report.slowSeconds)
                        + #"<p class="legend"><span class="key frame"></span> frame <span class="key slow"></span> slow (above \#(report.slowSeconds.map { ReportCharts.num($0, 2) } ?? "–") s) <span class="key median"></span> median</p>"#)
        page += section("Tasks", ReportCharts.timeline(report.attempts, now: report.generatedAt)
                        + #"<p class="legend">\#(timeSpan(report.attempts, now: report.generatedAt)) · one bar per attempt:"#
                        + #" \#(AttemptRecord.Outcome.allCases.map { "<span class=\"key \($0.rawValue)\"></span> \($0.rawValue)" }.joined(separator: " "))</p>"#)
        page += failures(report.failures)
        page += media(report.media)
        page += cost(report.cost)
        page += section("Settings", "<table>" + report.settings.map { "<tr><th>\(escape($0.name))</th><td>\(escape($0.value))</td></tr>" }.joined() + "</table>")
        return page + "</body></html>\n"
    }

    static func progress(_ report: JobReportData) -> String {
        let s = report.status
        let share = s.framesTotal > 0 ? Double(s.framesDone) / Double(s.framesTotal) : 0
        var facts = ["<b>\(s.framesDone)/\(s.framesTotal)</b> frames", "wall \(duration(s.wallTime))",
                     "tasks \(s.tasksSucceeded)/\(s.tasksTotal) succeeded, \(s.tasksRunning) running, \(s.tasksFailed) failed",
                     "\(s.attempts) attempts, \(s.retries) retries, \(s.interruptions) interruptions"]
        if let eta = report.etaSeconds { facts.insert("ETA \(duration(eta))", at: 1) }
        if let stitch = s.stitch { facts.append("stitch \(stitch.rawValue)") }
        return section("Progress", """
            <div class="bar"><div style="width:\(ReportCharts.num(share * 100, 2))%"></div></div>
            <p id="progress">\(facts.joined(separator: " · "))</p>\(s.reason.map { "<p class=\"reason\">\(escape($0))</p>" } ?? "")
            """)
    }

    /// The time the timeline spans, from the first start to the last end.
    static func timeSpan(_ attempts: [AttemptRecord], now: Date) -> String {
        guard let start = attempts.map(\.start).min(), let end = attempts.map({ $0.end ?? now }).max() else { return "" }
        return "0 – \(duration(end.timeIntervalSince(start)))"
    }

    static func summary(_ report: JobReportData) -> String {
        guard let slowest = report.frames.max(by: { $0.seconds < $1.seconds }) else { return "" }
        var parts = ["median \(ReportCharts.num(report.medianFrameSeconds ?? 0, 2)) s",
                     "slowest frame \(slowest.frame): \(ReportCharts.num(slowest.seconds, 2)) s"]
        if let memory = report.frames.compactMap(\.peakMemory).max() { parts.append("peak memory \(bytes(memory))") }
        let hosts = Set(report.frames.map(\.host))
        parts.append(hosts.count == 1 ? "host \(hosts.first!)" : "\(hosts.count) hosts")
        return "<p>\(escape(parts.joined(separator: " · ")))</p>"
    }

    static func failures(_ failures: [JobReportData.Failure]) -> String {
        guard !failures.isEmpty else { return "" }
        return section("Failures", failures.map { failure in
            "<details class=\"failure\" open><summary><b>\(escape(failure.title))</b>: \(escape(failure.reason))</summary>"
                + (failure.log.map { "<p class=\"muted\">log: \(escape($0))</p>" } ?? "")
                + (failure.logTail.isEmpty ? "" : "<pre>\(escape(failure.logTail.joined(separator: "\n")))</pre>") + "</details>"
        }.joined())
    }

    static func media(_ media: [JobReportData.Media]) -> String {
        guard !media.isEmpty else { return "" }
        return section("Output", media.map { item in
            guard let href = item.href.map(escape) else { return "<p>\(item.kind.rawValue): \(escape(item.location))</p>" }
            switch item.kind {
            case .video: return "<p>video: <a href=\"\(href)\">\(escape(item.location))</a></p>"
            case .gif: return "<figure><img src=\"\(href)\" alt=\"preview GIF\" width=\"320\"><figcaption>preview GIF</figcaption></figure>"
            case .contactSheet: return "<figure><a href=\"\(href)\"><img class=\"sheet\" src=\"\(href)\" alt=\"contact sheet\"></a><figcaption>contact sheet</figcaption></figure>"
            }
        }.joined())
    }

    static func cost(_ cost: CostSection) -> String {
        var body = "<p id=\"measured\">measured: \(ReportCharts.num(cost.taskSeconds, 1)) task-seconds · "
            + "\(ReportCharts.num(cost.coreHours, 3)) core-hours (\(cost.coresPerTask) cores a task) · "
            + "\(ReportCharts.num(cost.frameSeconds, 1)) s rendering frames</p>"
        guard let recorded = cost.recorded else { return section("Cost", body + "<p class=\"muted\">no estimate recorded</p>") }
        if let estimate = recorded.estimate {
            let here = estimate.here.wallSeconds
            body += "<p>estimate here: \(duration(here.median)) (p10 \(duration(here.p10)), p90 \(duration(here.p90)))</p>"
            if !estimate.instances.isEmpty {
                body += "<table><tr><th>instance</th><th>wall</th><th>Spot</th><th>On-Demand</th></tr>" + estimate.instances.map {
                    "<tr><td>\(escape($0.instanceType))</td><td>\(duration($0.wallSeconds))</td>"
                        + "<td>\(usd($0.spotUSD))</td><td>\(usd($0.onDemandUSD))</td></tr>"
                }.joined() + "</table>"
            }
        } else {
            body += "<p class=\"muted\">no estimate recorded</p>"
        }
        if let budget = recorded.budget {
            let limits = [budget.maxCostUSD.map { "max \(usd($0))" }, budget.maxTimeSeconds.map { "max \(duration($0))" }].compactMap { $0 }
            body += "<p>budget: \(limits.joined(separator: ", "))\(budget.stopped == true ? " — <b>stopped</b>" : "")\(budget.reason.map { ": \(escape($0))" } ?? "")</p>"
        }
        if let spent = recorded.spent {
            let details = [spent.instanceType, spent.market].compactMap { $0 }.map(escape).joined(separator: ", ")
            body += "<p>spent: \(usd(spent.usd))\(details.isEmpty ? "" : " (\(details))")\(spent.taskSeconds.map { " over \(ReportCharts.num($0, 1)) task-seconds" } ?? "")</p>"
        }
        return section("Cost", body)
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section><h2>\(escape(title))</h2>\(body)</section>\n"
    }

    static func usd(_ value: Double?) -> String { value.map { "$" + ReportCharts.num($0, 2) } ?? "–" }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(ReportCharts.num(seconds, 1)) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) min"
    }

    static func bytes(_ count: Int) -> String {
        count >= 1 << 30 ? ReportCharts.num(Double(count) / Double(1 << 30), 2) + " GiB" : ReportCharts.num(Double(count) / Double(1 << 20), 1) + " MiB"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1060px;padding:16px;color:#1d1d1f;background:#fafafa}
    header{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}h1{font-size:20px;margin:0}h2{font-size:16px;margin:0 0 8px}
    section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:12px 0}
    .muted{color:#777}.reason{color:#a40000}.state{padding:2px 8px;border-radius:10px;color:#fff;background:#777}
    .state.succeeded{background:#2a7d2a}.state.failed{background:#b00020}.state.running{background:#1f6fbf}.state.cancelled{background:#8a6d00}
    .bar{height:10px;background:#e5e5e5;border-radius:5px;overflow:hidden}.bar div{height:100%;background:#2a7d2a}
    .chart{width:100%;height:180px;display:block;background:#f4f6f8}
    #frame-times rect{fill:#4a7fb5}#frame-times rect.slow{fill:#d9480f}#frame-times .median{stroke:#222;stroke-dasharray:6 4;stroke-width:1;vector-effect:non-scaling-stroke}
    #timeline text{font-size:10px;fill:#555}
    rect.succeeded,.key.succeeded{fill:#2a7d2a;background:#2a7d2a}rect.running,.key.running{fill:#1f6fbf;background:#1f6fbf}
    rect.retried,.key.retried{fill:#e8a317;background:#e8a317}rect.interrupted,.key.interrupted{fill:#8e44ad;background:#8e44ad}
    rect.failed,.key.failed{fill:#b00020;background:#b00020}rect.cancelled,.key.cancelled{fill:#999;background:#999}
    .mark-interrupted{fill:#fff;stroke:#8e44ad;stroke-width:2}.mark-failed{fill:#fff;stroke:#b00020;stroke-width:2}
    .key{display:inline-block;width:10px;height:10px;margin-left:8px}.key.frame{background:#4a7fb5}.key.slow{background:#d9480f}.key.median{border-top:2px dashed #222;height:0}
    table{border-collapse:collapse}th,td{text-align:left;padding:2px 12px 2px 0;vertical-align:top}
    pre{background:#111;color:#eee;padding:8px;overflow:auto;max-height:300px;font-size:12px}
    figure{display:inline-block;margin:0 16px 0 0;vertical-align:top}img.sheet{max-width:600px}
    """
}
