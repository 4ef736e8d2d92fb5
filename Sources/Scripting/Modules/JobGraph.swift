import Executors
import LuaKit

/// Jobs after jobs: `render.submit{..., after = job | {job, ...}}` and `render.wait_all{...}`.
/// A job starts only when every job it comes after succeeded; when one fails or is cancelled, it is
/// skipped (its report says 'cancelled' and why). Local jobs wait in this process; AWS and Slurm jobs
/// get Batch `dependsOn` or Slurm `afterok`, so the scheduler holds them without this process.
enum JobGraph {
    static let afterDoc = """
        after=job or {job, ...}: start only when those jobs succeeded; if one fails or is cancelled this job is
        skipped (report.state 'cancelled', report.reason naming it). With backend='aws' or 'slurm' the jobs must be
        of the same backend, and the scheduler holds this one (Batch dependsOn, Slurm afterok).
        """

    /// The jobs named by `after` in table argument `n` (local or AWS jobs).
    static func prerequisites(_ args: LuaArgs, _ n: Int) throws -> [JobPrerequisite] {
        try args.objects(field: "after", of: n, expected: "a job") { stack, index in
            if let job = stack.object(LuaJob.self, at: index) { return JobPrerequisite(job.handle) }
            return nil
        }
    }

    /// The jobs named by `after` for a job on `backend`: a scheduler's job can only wait for jobs on
    /// the same scheduler (Batch `dependsOn`, Slurm `afterok`).
    static func remotePrerequisites(_ args: LuaArgs, _ n: Int, backend: String) throws -> [any DetachedJob] {
        try args.objects(field: "after", of: n, expected: "a job of backend '\(backend)' (a '\(backend)' job comes after '\(backend)' jobs)") { stack, index in
            stack.object(LuaJob.self, at: index)?.detached.flatMap { $0.backend == backend ? $0 : nil }
        }
    }

    /// `render.wait_all({job, ...} [, {progress=true}])`: wait for every job, in order; returns
    /// their reports in the same order and whether all succeeded.
    static func waitAll(_ args: LuaArgs) throws -> LuaResult {
        let jobs = try args.objects(in: 1, expected: "a job", waiting)
        let progress = try args.optionalTable(2)?.tableValue?["progress"]?.boolValue ?? false
        var reports: [LuaValue] = []
        var allSucceeded = true
        for (number, wait) in jobs.enumerated() {
            let report = try wait(args)
            let state = report.tableValue?["state"]?.stringValue ?? "?"
            if state != JobState.succeeded.rawValue { allSucceeded = false }
            if progress { JobWatch.note("job \(number + 1)/\(jobs.count): \(state)") }
            reports.append(report)
        }
        return .values([.array(reports), .boolean(allSucceeded)])
    }

    /// The job at `index` as something to wait for (its report as Lua sees it).
    private static func waiting(_ stack: LuaStack, _ index: Int32) -> ((LuaArgs) throws -> LuaValue)? {
        if let job = stack.object(LuaJob.self, at: index) {
            return { args in try job.wait(args, progress: false, handlers: JobEventHandlers()) }
        }
        return nil
    }
}
