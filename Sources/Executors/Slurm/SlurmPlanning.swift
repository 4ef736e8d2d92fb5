import Foundation
import RenderPlan

/// Planning a job for Slurm, as `render --backend slurm` and Lua's `render.submit{backend='slurm'}` do:
/// the time limit is checked before anything runs, and `auto` is made from sample frames rendered on
/// this machine (`EstimateRequest`; they stay in the output with the job's fingerprint, so its tasks
/// skip them).
public enum SlurmPlanning {
    public typealias Problem = RenderRequest.Problem

    /// Planning for Slurm: `workers` tasks at once (the `%N` throttle; by default as on this machine),
    /// Blender's own thread count (the node's cores).
    static func target(_ request: RenderRequest) -> PlanTarget { PlanTarget(slots: request.workerCount) }

    /// Plan `request` for `executor`; with `time = auto`, check the output, estimate, and set the
    /// executor's time limit and estimate (`note` gets the line saying which limit and why).
    public static func plan(_ request: RenderRequest, for executor: SlurmExecutor,
                            note: (String) -> Void) async throws(Problem) -> (JobManifest, SlurmExecutor) {
        guard let time = executor.placement.time else { return (try await request.plan(target: target(request)), executor) }
        if let problem = SlurmTimeLimit.problem(time) { throw Problem(code: .usage, message: problem) }
        guard time == SlurmTimeLimit.auto else { return (try await request.plan(target: target(request)), executor) }
        // The samples go into the output: an unknown bucket is refused here, not as failed samples.
        do { _ = try await SlurmExecutor.checkOutput(request.outputLocation) } catch { throw Problem(code: error.code, message: error.message) }
        var estimate = EstimateRequest(render: request)
        estimate.instanceTypes = []
        estimate.refreshSpot = false
        let sampling = LocalExecutor(configuration: .init(workers: request.workerCount, environment: executor.environment))
        let (measured, manifest): (CostEstimate, JobManifest)
        do { (measured, manifest) = try await estimate.run(executor: sampling) } catch {
            throw Problem(code: error.code, message: "time auto: estimating on this machine: \(error.message)")
        }
        let limit = SlurmTimeLimit.covering(chunks: manifest.chunks.map(\.frames.count), frameSeconds: measured.samples.map(\.seconds),
                                            startupSeconds: measured.startupSeconds)
        note("time limit \(limit.minutes) min a task (time auto: \(limit.reason))")
        var executor = executor
        executor.placement.time = String(limit.minutes)
        executor.estimate = measured
        return (manifest, executor)
    }
}
