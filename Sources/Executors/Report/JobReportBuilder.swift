import Foundation
import Render
import RenderPlan

/// Assembles `JobReportData` from what any backend records: the manifest, a status, the attempts
/// and the frame metrics. Pure: no store, no network.
public struct JobReportBuilder: Sendable {
    public var manifest: JobManifest
    public var backend: String
    public var status: JobStatus
    public var attempts: [AttemptRecord]
    public var frames: [FrameMetric]
    public var coresPerTask: Int
    public var cost: CostRecord?
    /// The job folder (logs are relative to it) and the folder the HTML goes into (media links are relative to it).
    public var jobFolder: String
    /// Last lines of a log, given its path or name (empty when it cannot be read).
    public var logTail: @Sendable (String) -> [String] = { _ in [] }
    public var now = Date()

    public init(manifest: JobManifest, backend: String, status: JobStatus, attempts: [AttemptRecord], frames: [FrameMetric],
                coresPerTask: Int, cost: CostRecord?, jobFolder: String) {
        self.manifest = manifest
        self.backend = backend
        self.status = status
        self.status.frameMetrics = nil   // the report has them once, as `frames`
        self.attempts = attempts
        self.frames = frames
        self.coresPerTask = coresPerTask
        self.cost = cost
        self.jobFolder = jobFolder
    }

    /// The report, with media linked relative to `reportFolder` (or to the output itself when the
    /// report lives beside the video: `reportFolder == nil`).
    public func build(reportFolder: String?) -> JobReportData {
        let seconds = frames.map(\.seconds).sorted()
        let median = Self.quantile(seconds, 0.5)
        let p90 = Self.quantile(seconds, 0.9)
        let taskSeconds = attempts.reduce(0) { $0 + $1.seconds(now: now) }
        return JobReportData(
            id: manifest.id, backend: backend, generatedAt: now, settings: settings, status: status,
            etaSeconds: eta, frames: frames, medianFrameSeconds: median,
            slowSeconds: median.map { max($0 * 1.5, p90 ?? $0) }, attempts: attempts.sorted { ($0.start, $0.task) < ($1.start, $1.task) },
            failures: failures, media: media(reportFolder: reportFolder),
            cost: CostSection(taskSeconds: taskSeconds, frameSeconds: seconds.reduce(0, +), coresPerTask: coresPerTask,
                              coreHours: taskSeconds * Double(coresPerTask) / 3600, recorded: cost))
    }

    var settings: [JobReportData.Setting] {
        let o = manifest.overrides
        var rows: [(String, String?)] = [
            ("input", manifest.input), ("scene", manifest.scene ?? "(active scene)"),
            ("frames", "\(FrameSet(manifest.allFrames)) (\(manifest.allFrames.count))"),
            ("tasks", "\(manifest.chunks.count)"), ("output", manifest.output.location),
            ("format", manifest.output.format), ("backend", backend),
            ("engine", o.engine), ("samples", o.samples.map(String.init)), ("device", o.device),
            ("resolution", o.resolutionX.flatMap { x in o.resolutionY.map { "\(x)×\($0)" } }),
            ("resolution %", o.resolutionPercentage.map { "\($0) %" }),
            ("denoise", o.denoise.map { $0 ? "on" : "off" }),
            ("video", manifest.stitch.map { String(format: "%g fps", $0.frameRate) } ?? "none"),
            ("submitted", ISO8601DateFormatter().string(from: manifest.createdAt)),
        ]
        rows.removeAll { $0.1 == nil }
        return rows.map { JobReportData.Setting(name: $0.0, value: $0.1!) }
    }

    /// Remaining frames at the rate frames reached the store since the first attempt started.
    var eta: Double? {
        guard !status.state.isFinal, status.framesDone < status.framesTotal, let first = attempts.map(\.start).min() else { return nil }
        let recent = frames.filter { $0.savedAt >= first.timeIntervalSince1970 }.count
        let elapsed = now.timeIntervalSince(first)
        guard recent > 0, elapsed > 0 else { return nil }
        return Double(status.framesTotal - status.framesDone) * elapsed / Double(recent)
    }

    var failures: [JobReportData.Failure] {
        var list = status.failedFrames.map { failed in
            JobReportData.Failure(title: "frame \(failed.frame) (task \(failed.task))", reason: failed.reason, log: failed.log,
                                  logTail: failed.log.map(logTail) ?? [])
        }
        let shown = Set(list.compactMap(\.log))
        for attempt in attempts where attempt.outcome == .failed {
            let log = attempt.log.map { $0.hasPrefix("/") || $0.contains("://") ? $0 : jobFolder + "/" + $0 }
            if let log, shown.contains(log) { continue }
            let task = attempt.stage == .stitch ? "stitch" : "task \(attempt.task)"
            list.append(JobReportData.Failure(title: "\(task), attempt \(attempt.attempt)", reason: attempt.detail ?? "failed",
                                              log: log, logTail: log.map(logTail) ?? []))
        }
        return list
    }

    func media(reportFolder: String?) -> [JobReportData.Media] {
        guard let stitch = manifest.stitch, status.stitch == .succeeded else { return [] }
        var names: [(JobReportData.Media.Kind, String)] = []
        if stitch.video { names.append((.video, manifest.output.name + ".mp4")) }
        if stitch.gif { names.append((.gif, manifest.output.name + ".gif")) }
        if stitch.contactSheet { names.append((.contactSheet, "contact_sheet.png")) }
        let output = manifest.output.location
        let local = !output.contains("://") || output.hasPrefix("file://")
        let folder = output.hasPrefix("file://") ? String(output.dropFirst(7)) : output
        return names.map { kind, name in
            let location = local ? (folder as NSString).appendingPathComponent(name) : output + "/" + name
            let href: String?
            if reportFolder == nil { href = name } else if local, FileManager.default.fileExists(atPath: location) {
                href = Self.relativePath(location, from: reportFolder!)
            } else { href = nil }
            return JobReportData.Media(kind: kind, location: location, href: href)
        }
    }

    /// `path` as seen from folder `base` (relative ones taken from the current folder), e.g. `../../../demo.gif`.
    static func relativePath(_ path: String, from base: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath as NSString
        let target = (cwd.appendingPathComponent(path) as NSString).standardizingPath.split(separator: "/")
        let origin = (cwd.appendingPathComponent(base) as NSString).standardizingPath.split(separator: "/")
        var common = 0
        while common < min(target.count, origin.count) && target[common] == origin[common] { common += 1 }
        return (Array(repeating: "..", count: origin.count - common) + target[common...].map(String.init)).joined(separator: "/")
    }

    /// The `q` quantile of sorted `values` (nearest rank); nil when empty.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return values[min(values.count - 1, Int((Double(values.count - 1) * q).rounded()))]
    }
}
