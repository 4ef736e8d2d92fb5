import Foundation
import ObjectStore
import Render
import RenderPlan

/// The report of a job run by the local executor: its attempts from the journal, its logs in the
/// job folder.
public enum LocalReportSource {
    /// Every attempt the journal records: a start, any interruption notice, and how it ended.
    public static func attempts(_ entries: [JournalEntry]) -> [AttemptRecord] {
        var records: [AttemptRecord] = []
        var open: [TaskKey: Int] = [:]
        for entry in entries {
            guard let task = entry.task else { continue }
            let key = TaskKey(stage: entry.stage ?? .render, index: task)
            switch entry.kind {
            case .start:
                open[key] = records.count
                records.append(AttemptRecord(stage: key.stage, task: task, attempt: entry.attempt ?? 1, start: entry.time,
                                             outcome: .running, log: entry.log))
            case .interrupt:
                if let at = open[key] { records[at].outcome = .interrupted; records[at].detail = entry.reason }
            case .exit:
                guard let at = open.removeValue(forKey: key) else { continue }
                records[at].end = entry.time
                let noticed = records[at].outcome == .interrupted
                let said = [entry.exit?.description, entry.reason].compactMap { $0 }.joined(separator: ": ")
                switch entry.decision {
                case .succeeded?: records[at].outcome = .succeeded
                case .retry(let counted, _)?: records[at].outcome = counted && !noticed ? .retried : .interrupted
                case .waitForStore(let why)?: records[at].outcome = .retried; records[at].detail = why
                case .fail(let why)?, .dropFrames(_, let why)?: records[at].outcome = .failed; records[at].detail = why
                case .cancelled?, nil: records[at].outcome = .cancelled
                }
                if records[at].detail == nil || records[at].outcome == .interrupted {
                    records[at].detail = [records[at].detail, said.isEmpty ? nil : said].compactMap { $0 }.joined(separator: "; ")
                }
            default:
                continue
            }
        }
        return records
    }

    /// Cores a task had: the manifest's Blender threads, else this machine's cores shared by the most
    /// attempts that ran at once.
    static func coresPerTask(_ manifest: JobManifest, attempts: [AttemptRecord]) -> Int {
        if let threads = manifest.overrides.threads, threads > 0 { return threads }
        let edges = attempts.flatMap { [($0.start, 1), ($0.end ?? .distantFuture, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var running = 0, most = 1
        for (_, step) in edges { running += step; most = max(most, running) }
        return max(1, ProcessInfo.processInfo.activeProcessorCount / most)
    }

    /// The report of the job in `folder` with `status` (as `JobControl.status` gives it, its frame
    /// metrics used when it has them, else read from `store`). With
    /// `metricsTimeout`, a store that does not answer within it leaves the frames out instead of failing.
    public static func builder(folder: JobFolder, status: JobStatus, store: any ObjectStore,
                               metricsTimeout: Double? = nil) async throws -> JobReportBuilder {
        let manifest = try folder.readManifest()
        let attempts = attempts(Journal.read(path: folder.journalPath))
        let read: @Sendable () async throws -> [FrameMetric] = { try await FrameMetrics.read(job: manifest.id, store: store) }
        let frames: [FrameMetric]
        if let known = status.frameMetrics {
            frames = known   // `JobControl.status` read them already
        } else if let metricsTimeout {
            frames = (try? await store.answer(within: metricsTimeout, about: FrameMetrics.prefix(job: manifest.id), read)) ?? []
        } else {
            frames = try await read()
        }
        var builder = JobReportBuilder(manifest: manifest, backend: "local", status: status, attempts: attempts, frames: frames,
                                       coresPerTask: coresPerTask(manifest, attempts: attempts),
                                       cost: CostRecord.recorded(folder: folder.path), jobFolder: folder.path)
        builder.logTail = { LogTail.lastLines(path: $0, count: 20) }
        return builder
    }
}
