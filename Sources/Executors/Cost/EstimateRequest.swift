import AWSCore
import Foundation
import RenderPlan

/// What `blendbatch estimate` and Lua's `cost.estimate{}` ask: a render (the same request `render`
/// takes), where the frame times come from (`sample` frames rendered now, or the job `fromJob`), and
/// which instance types to price from which table.
public struct EstimateRequest: Sendable {
    public var render: RenderRequest
    /// Frames to render as samples, spread over the range.
    public var sample = 3
    /// An earlier job (folder or id) whose frame times to use instead of sampling.
    public var fromJob: String?
    public var instanceTypes = PriceTable.defaultTypes
    /// A price table file replacing the shipped one.
    public var pricesPath: String?
    /// Per-vCPU speed by instance type, over the table's.
    public var speeds: [String: Double] = [:]
    /// AWS array children; nil = one per task of the plan.
    public var arraySize: Int?
    /// Ask EC2 for current Spot prices (skipped quietly when AWS does not answer).
    public var refreshSpot = true

    public init(render: RenderRequest) { self.render = render }

    public typealias Problem = RenderRequest.Problem

    /// The price table the estimate uses, with `speeds` applied and every asked type in it.
    public func priceTable() throws(Problem) -> PriceTable {
        do throws(PriceTableError) {
            var table = PriceTable.shipped
            if let pricesPath { table = try PriceTable.load(path: pricesPath) }
            table = try table.withSpeeds(speeds)
            for type in instanceTypes { _ = try table.price(of: type) }
            return table
        } catch {
            throw Problem(code: error.code, message: error.description)
        }
    }

    /// Plan the render, measure its frames (or read `fromJob`'s), and price it. Sampled frames stay in
    /// the output with the job's fingerprint, so the render that follows skips them.
    public func run(executor: LocalExecutor, aws: AWSClient? = nil) async throws(Problem) -> (CostEstimate, JobManifest) {
        if sample < 1 { throw Problem(code: .usage, message: "sample \(sample): give at least 1 frame") }
        if let arraySize, arraySize < 1 { throw Problem(code: .usage, message: "array size \(arraySize): give at least 1") }
        var table = try priceTable()
        var render = self.render
        render.chunkTime = nil  // the estimate prices the plan as it is; it measures its own frames
        let manifest = try await render.plan(measureWith: executor)
        let threads = manifest.overrides.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let measured: Measured
        if let fromJob { measured = try measuredJob(fromJob, threads: threads) } else {
            measured = try await sampled(manifest, threads: threads, executor: executor)
        }
        var refreshed: [String] = []
        if refreshSpot, let aws { (table, refreshed) = await table.refreshingSpot(instanceTypes, client: aws) }
        let model = EstimateModel(samples: measured.samples, startupSeconds: measured.startupSeconds, threads: measured.threads,
                                  sampledTasks: measured.tasks, chunks: manifest.chunks.map(\.frames),
                                  workers: render.workerCount, arraySize: arraySize)
        do throws(PriceTableError) {
            return (try model.estimate(basis: measured.basis, types: instanceTypes, table: table, spotRefreshed: refreshed), manifest)
        } catch { throw Problem(code: error.code, message: error.description) }
    }

    /// Frame times and how they were measured.
    struct Measured {
        var samples: [FrameSample]
        var startupSeconds: Double
        var threads: Int
        /// Tasks that ran at once.
        var tasks: Int
        var basis: String
    }

    /// The frame times job `job` recorded.
    func measuredJob(_ job: String, threads: Int) throws(Problem) -> Measured {
        let measured: MeasuredJob
        do { measured = try MeasuredJob.read(try JobFolder.find(job, output: render.out)) } catch let error as ExecutorError {
            throw Problem(code: error.exitCode, message: "--from \(job): \(error)")
        } catch { throw Problem(code: .dataError, message: "--from \(job): \(error)") }
        guard !measured.samples.isEmpty else {
            throw Problem(code: .dataError, message: "--from \(job): the job recorded no rendered frame (its task logs have no "
                + "frame times); estimate by sampling instead")
        }
        // Its frames ran as many at once as --workers allows now (the job folder does not record its workers).
        return Measured(samples: measured.samples, startupSeconds: measured.startupSeconds, threads: measured.threads ?? threads,
                        tasks: min(render.workerCount, measured.tasks), basis: "job \(job)")
    }

    /// Render `sample` frames spread over the range as one probe task per worker, each after a warm-up
    /// frame before the samples (a cold first frame would otherwise weigh on every sample).
    func sampled(_ manifest: JobManifest, threads: Int, executor: LocalExecutor) async throws(Problem) -> Measured {
        let done = (try? await JobControl.framesDone(manifest, store: LocalExecutor.outputStore(for: manifest))) ?? []
        let frames = EstimateModel.sampleFrames(manifest.allFrames, count: sample, exclude: done)
        guard !frames.isEmpty else {
            throw Problem(code: .usage, message: "every frame of the job is already in \(manifest.output.location); "
                + "estimate from the job that made them with --from JOB")
        }
        let tasks = min(render.workerCount, manifest.chunks.count, frames.count)
        let warmUps = Array(manifest.allFrames.filter { !done.contains($0) && $0 < frames[0] }.prefix(tasks))
        JobWatch.note("estimate: rendering sample frame(s) \(frames.map(String.init).joined(separator: ", ")) of \(manifest.allFrames.count)"
            + (warmUps.isEmpty ? "" : " after warm-up frame(s) \(warmUps.map(String.init).joined(separator: ", "))") + "…")
        let spare = manifest.allFrames.filter { !done.contains($0) && !frames.contains($0) && !warmUps.contains($0) }
        guard let probe = await SampleRender.run(frames, warmUps: warmUps, spare: spare, tasks: tasks, of: manifest, executor: executor),
              probe.succeeded, !probe.samples.isEmpty else {
            throw Problem(code: .renderFailure, message: "the sample frames failed to render; see the probe job's log under "
                + JobFolder.jobsRoot(forOutput: manifest.output.location))
        }
        return Measured(samples: probe.samples, startupSeconds: probe.startupSeconds, threads: threads, tasks: probe.tasks, basis: "sampled")
    }
}
