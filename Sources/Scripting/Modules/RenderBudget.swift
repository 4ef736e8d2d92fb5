import Executors
import Foundation
import LuaKit
import RenderPlan

/// `render.submit{max_time=, max_cost=}` on this machine: the estimate made before submitting
/// (refused when its p90 is over the limit), the executor's `--max-time` stop, and `cost.json`.
enum RenderBudget {
    /// The limits in `options`, nil when none; `max_cost` is for AWS jobs.
    static func limits(_ options: [String: LuaValue]) throws -> Budget? {
        if options["max_cost"] != nil, (options["backend"]?.stringValue ?? "local") == "local" {
            throw RenderProblem(code: .usage, message: "max_cost prices AWS instances: use it with backend='aws' (here max_time limits the wall time)")
        }
        guard let value = options["max_time"], value != .nil else { return nil }
        guard let seconds = value.doubleValue ?? value.stringValue.flatMap(Chunking.parseDuration), seconds > 0 else {
            throw RenderProblem(code: .usage, message: "max_time '\(value)': give a duration such as 90s, 30m or 2h")
        }
        return Budget(maxTimeSeconds: seconds)
    }

    /// Sample the job's frames (they stay in the output) and refuse it when the estimate's p90 is over `budget`.
    static func check(_ request: RenderRequest, _ budget: Budget, executor: LocalExecutor) async throws -> CostEstimate {
        var estimate = EstimateRequest(render: request)
        estimate.instanceTypes = []
        estimate.refreshSpot = false
        let result: CostEstimate
        do { (result, _) = try await estimate.run(executor: executor) } catch {
            throw RenderProblem(code: error.code, message: "estimating before the budget check: \(error.message)")
        }
        if let refusal = budget.refusal(result) { throw RenderProblem(code: .usage, message: refusal) }
        JobWatch.note("estimate: \(Budget.duration(result.here.wallSeconds.median)) here (p90 \(Budget.duration(result.here.wallSeconds.p90))), "
            + "within --max-time \(Budget.duration(budget.maxTimeSeconds ?? 0))")
        return result
    }

    /// Keep the estimate and the limits in the job's `cost.json`.
    static func record(_ estimate: CostEstimate?, _ budget: Budget, folder: String) {
        CostRecord.update(folder: folder) { record in
            record.estimate = estimate ?? record.estimate
            var limits = record.budget ?? CostRecord.Budget()
            limits.maxTimeSeconds = budget.maxTimeSeconds
            limits.maxCostUSD = budget.maxCostUSD
            limits.stopped = limits.stopped ?? false
            record.budget = limits
        }
    }
}
