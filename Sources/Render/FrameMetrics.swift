import Foundation
import ObjectStore

/// What rendering one frame cost: written by the worker that stored it, read by `status --json`,
/// the job report and Lua.
public struct FrameMetric: Codable, Sendable, Equatable {
    public var frame: Int
    /// Blender's render time of the frame.
    public var seconds: Double
    /// Peak memory of the render process when the frame was saved, in bytes.
    public var peakMemory: Int?
    /// The array index and attempt (1-based) of the task that rendered it.
    public var task: Int
    public var attempt: Int
    public var host: String
    /// When the frame reached the store (seconds since 1970).
    public var savedAt: Double

    public init(frame: Int, seconds: Double, peakMemory: Int?, task: Int, attempt: Int, host: String, savedAt: Double) {
        self.frame = frame
        self.seconds = seconds
        self.peakMemory = peakMemory
        self.task = task
        self.attempt = attempt
        self.host = host
        self.savedAt = savedAt
    }
}

/// A job's frame metrics in its output store, one JSON-lines object per task attempt:
/// `.blendbatch/jobs/<id>/metrics/task-<index>.<attempt>.jsonl` (for a folder output, inside the job
/// folder; for `s3://`, beside the frames). Each attempt writes only its own object, so array
/// children on any backend never contend, and an interrupted attempt keeps the frames it saved.
public enum FrameMetrics {
    public static func prefix(job: String) -> String { ".blendbatch/jobs/\(job)/metrics/" }

    public static func key(job: String, task: Int, attempt: Int) -> String {
        prefix(job: job) + "task-\(task).\(attempt).jsonl"
    }

    /// The lines of `metrics`, each one JSON object.
    public static func encode(_ metrics: [FrameMetric]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for metric in metrics {
            guard let line = try? encoder.encode(metric) else { continue }
            data.append(line)
            data.append(0x0A)
        }
        return data
    }

    /// The metrics in JSON lines; lines that do not parse are skipped.
    public static func decode(_ data: Data) -> [FrameMetric] {
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(FrameMetric.self, from: Data($0)) }
    }

    /// Every frame's latest metric for job `job` in `store`, in frame order (a frame rendered again
    /// counts by its last save).
    public static func read(job: String, store: any ObjectStore) async throws -> [FrameMetric] {
        var latest: [Int: FrameMetric] = [:]
        for object in try await store.listAll(prefix: prefix(job: job)) where object.key.hasSuffix(".jsonl") {
            for metric in decode(try await store.read(key: object.key)) where latest[metric.frame].map({ $0.savedAt <= metric.savedAt }) ?? true {
                latest[metric.frame] = metric
            }
        }
        return latest.values.sorted { $0.frame < $1.frame }
    }
}
