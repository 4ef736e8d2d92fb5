import Foundation
import Render
import RenderPlan

/// A few frames of a job rendered as one probe task with the job's settings and fingerprint, so they
/// stay in the output and the real render skips them. `--chunk-time` and `estimate` measure with it.
public struct SampleRender: Sendable {
    /// Each rendered frame's seconds (from the worker's `frame_saved` events), the warm-up frame's left out.
    public var samples: [FrameSample]
    /// Wall seconds of the whole probe task (Blender's start-up included).
    public var elapsed: Double
    public var succeeded: Bool
    /// A first frame was rendered to warm Blender up (its BVH build, kernels, textures) and left out.
    public var warmedUp = false

    /// What a task costs beyond its frames at their warm speed: the probe's time outside the samples,
    /// and with a warm-up frame less one mean sample (so a task's first, cold frame counts once, as
    /// in a real task, instead of weighing on every sample).
    public var startupSeconds: Double {
        let sum = samples.reduce(0) { $0 + $1.seconds }
        guard warmedUp, !samples.isEmpty else { return max(0, elapsed - sum) }
        return max(0, elapsed - sum - sum / Double(samples.count))
    }

    /// Render `frames` of `job` as one task with `executor`, after `warmUp` (a frame before them) when given.
    public static func run(_ frames: [Int], warmUp: Int? = nil, of job: JobManifest, executor: LocalExecutor) async -> SampleRender? {
        var probe = JobManifest(id: JobManifest.newID(name: "probe"), input: job.input, scene: job.scene, overrides: job.overrides,
                                chunks: [FrameChunk(index: 0, frames: (warmUp.map { [$0] } ?? []) + frames)], output: job.output, stitch: nil)
        probe.fingerprint = job.fingerprint
        probe.blendScripts = job.blendScripts
        let started = Date()
        guard let handle = try? await executor.start(probe) else { return nil }
        let status = await handle.wait()
        let elapsed = Date().timeIntervalSince(started)
        let log = (try? String(contentsOfFile: handle.folder.path + "/logs/task-0.1.log", encoding: .utf8)) ?? ""
        return SampleRender(samples: frameSamples(log: log).filter { $0.frame != warmUp }, elapsed: elapsed,
                            succeeded: status.state == .succeeded, warmedUp: warmUp != nil)
    }

    /// The `frame_saved` events of a task log.
    public static func frameSamples(log: String) -> [FrameSample] {
        log.split(separator: "\n").compactMap { line in
            guard let event = WorkerEvent.parse(String(line)), event.event == .frameSaved,
                  let frame = event.frame, let seconds = event.seconds else { return nil }
            return FrameSample(frame: frame, seconds: seconds)
        }
    }
}

/// Frame times of a finished job, for `estimate --from JOB`.
public struct MeasuredJob: Sendable {
    public var samples: [FrameSample]
    public var startupSeconds: Double
    public var threads: Int?

    /// Read what the job folder records: every task log's `frame_saved` events (the last attempt's
    /// time of a frame wins) and, from the journal, each render attempt's duration beyond its frames
    /// (Blender's start-up). The one place that knows where a job keeps its frame times.
    public static func read(_ folder: JobFolder) throws -> MeasuredJob {
        let manifest = try folder.readManifest()
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: folder.logsPath)) ?? []
        var byFrame: [Int: Double] = [:]
        var startups: [Double] = []
        let durations = Journal.read(path: folder.journalPath).filter { $0.kind == .exit && $0.stage == .render }
        for name in logs.sorted() where name.hasPrefix("task-") {
            let log = (try? String(contentsOfFile: folder.logsPath + "/" + name, encoding: .utf8)) ?? ""
            let samples = SampleRender.frameSamples(log: log)
            for sample in samples { byFrame[sample.frame] = sample.seconds }
            // logs/task-<index>.<attempt>.log
            let parts = name.dropFirst("task-".count).dropLast(".log".count).split(separator: ".").compactMap { Int($0) }
            if parts.count == 2, !samples.isEmpty,
               let duration = durations.first(where: { $0.task == parts[0] && $0.attempt == parts[1] })?.duration {
                startups.append(max(0, duration - samples.reduce(0) { $0 + $1.seconds }))
            }
        }
        let samples = byFrame.keys.sorted().map { FrameSample(frame: $0, seconds: byFrame[$0]!) }
        let startup = startups.isEmpty ? 0 : startups.reduce(0, +) / Double(startups.count)
        return MeasuredJob(samples: samples, startupSeconds: startup, threads: manifest.overrides.threads)
    }
}
