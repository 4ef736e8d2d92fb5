import Foundation
import Render
import RenderPlan

/// A few frames of a job rendered as probe tasks with the job's settings and fingerprint, so they
/// stay in the output and the real render skips them. `--chunk-time` and `estimate` measure with it.
public struct SampleRender: Sendable {
    /// Each sampled frame's seconds (from the worker's `frame_saved` events), warm-up frames left out.
    public var samples: [FrameSample]
    /// What a task costs beyond its frames at their warm speed: Blender's start-up and scene load, plus
    /// what a cold first frame (BVH, kernels, textures) costs over a warm one.
    public var startupSeconds: Double
    /// Probe tasks that ran at the same time (the samples paid that sharing of the cores).
    public var tasks: Int
    public var succeeded: Bool

    /// Render `frames` of `job` as `tasks` probe tasks at once with `executor` (the job's own
    /// concurrency, so the samples pay the same sharing of cores, caches and memory as the job's
    /// frames will), each first rendering one of `warmUps`; a task with fewer samples than the others
    /// renders frames of `spare` after them, so no sample runs with the cores to itself. Warm-up and
    /// spare frames are not counted (they stay in the output, like the samples).
    public static func run(_ frames: [Int], warmUps: [Int] = [], spare: [Int] = [], tasks: Int = 1, of job: JobManifest,
                           executor: LocalExecutor) async -> SampleRender? {
        let count = max(1, min(tasks, frames.count))
        var spare = spare
        let longest = (frames.count + count - 1) / count
        let chunks = (0..<count).map { i in
            var own = stride(from: i, to: frames.count, by: count).map { frames[$0] }
            while own.count < longest, let next = spare.firstIndex(where: { $0 > own.last ?? .min }) ?? spare.indices.first {
                own.append(spare.remove(at: next))
            }
            return FrameChunk(index: i, frames: (i < warmUps.count ? [warmUps[i]] : []) + own.sorted())
        }
        var probe = JobManifest(id: JobManifest.newID(name: "probe"), input: job.input, scene: job.scene, overrides: job.overrides,
                                chunks: chunks, output: job.output, stitch: nil)
        probe.fingerprint = job.fingerprint
        probe.blendScripts = job.blendScripts
        guard let handle = try? await executor.start(probe) else { return nil }
        let status = await handle.wait()
        guard let measured = try? MeasuredJob.read(handle.folder) else { return nil }
        let warm = measured.samples.filter { warmUps.contains($0.frame) }
        let rest = measured.samples.filter { frames.contains($0.frame) }
        func mean(_ samples: [FrameSample]) -> Double { samples.reduce(0) { $0 + $1.seconds } / Double(max(1, samples.count)) }
        let coldExtra = warm.isEmpty || rest.isEmpty ? 0 : max(0, mean(warm) - mean(rest))
        return SampleRender(samples: rest, startupSeconds: measured.startupSeconds + coldExtra, tasks: count,
                            succeeded: status.state == .succeeded)
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
    /// The job's tasks (at most this many ran at once).
    public var tasks: Int

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
        return MeasuredJob(samples: samples, startupSeconds: startup, threads: manifest.overrides.threads, tasks: manifest.chunks.count)
    }
}
