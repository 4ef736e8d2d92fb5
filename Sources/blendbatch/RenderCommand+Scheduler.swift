import Executors
import Foundation
import ObjectStore
import RenderPlan
import Scripting

extension RenderCommand {
    /// `--backend NAME` for a scheduler: plan each file here, submit it (all of them before following
    /// any, so they run side by side), print the ids and return; `--wait` follows each to its end.
    func runOn(_ scheduler: any SchedulerBackend.Type, files: [String]) async throws {
        if maxCost != nil || cost.given, scheduler != AWSBatchBackend.self {
            throw CommandEnd(.usage, "--max-cost prices AWS instances: it is for --backend aws")
        }
        if files.count > 1 { return try await runEach(files, on: scheduler) }
        try await submitEach(files, outs: [nil], to: scheduler)
    }

    /// Submit every file (into `outs`, nil for `--out`), then follow each in turn; ends with the worst job's code.
    func submitEach(_ files: [String], outs: [String?], to scheduler: any SchedulerBackend.Type) async throws {
        var follows: [() async throws -> Int32] = []
        for (file, out) in zip(files, outs) {
            let (job, spendLimit) = try await submit(file, out: out, to: scheduler)
            follows.append { try await SchedulerJobs.submitted(job, wait: wait, json: json, spendLimit: spendLimit) }
        }
        var worst: Int32 = 0
        for follow in follows { worst = max(worst, try await follow()) }
        try CommandEnd.unlessSuccess(worst)
    }

    /// Check the options, plan `file` and submit it; the job, and its spend limit with `--max-cost`.
    func submit(_ file: String, out: String?, to scheduler: any SchedulerBackend.Type) async throws -> (any DetachedJob, AWSSpendLimit?) {
        let values = try options.parsed(against: Self.declaration).values
        do { try Backends.check(values.keys, for: scheduler) } catch { throw CommandEnd(.usage, RenderOptions.asOption(error.message)) }
        let request = try options.request(file: file, out: out, declaration: Self.declaration)
        let placement = Backends.options(of: scheduler, in: values)
        let budget = scheduler == AWSBatchBackend.self ? try await budgetCheck(request) : nil
        let upload = TransferProgress(label: "uploading the .blend and its files")
        defer { upload.finish() }
        let job: any DetachedJob
        let context = try SchedulerJobs.context(upload: upload)
        do { job = try await scheduler.submit(request, options: placement, after: [], context: context) } catch {
            throw CommandEnd(error.code, error.message)
        }
        upload.finish()
        if let budget, let handle = job as? AWSBatchJobHandle {
            await AWSSpendLimit.update(handle) { $0.estimate = budget.1; $0.budget = .init(maxCostUSD: budget.0.maxUSD, stopped: false) }
        }
        return (job, budget?.0)
    }

    /// `--max-cost`: estimate on this machine (sampling, or `--from`), refuse when the p90 cost on the
    /// first `--instance-type` (Spot, as the stack's compute environment) is over it, and hand the
    /// spend limit on; nil without `--max-cost`.
    func budgetCheck(_ request: RenderRequest) async throws -> (AWSSpendLimit, CostEstimate)? {
        guard let maxCost else { return nil }
        guard maxCost > 0 else { throw CommandEnd(.usage, "--max-cost \(maxCost): give a positive amount in US$") }
        guard case .local? = try? StoreLocation(parsing: request.file) else {
            throw CommandEnd(.usage, "--max-cost estimates on this machine first: give a local .blend (not \(request.file))")
        }
        var estimateRequest = try cost.request(request)
        estimateRequest.instanceTypes = [estimateRequest.instanceTypes[0]]
        let estimate: CostEstimate
        do {
            (estimate, _) = try await estimateRequest.run(executor: LocalExecutor(configuration: RenderOptions.executorConfiguration(request)),
                                                          aws: makeAWSClient())
        } catch { throw CommandEnd(error.code, "estimating before --max-cost: \(error.message)") }
        let type = estimateRequest.instanceTypes[0]
        if let refusal = Budget(maxCostUSD: maxCost).refusal(estimate, instance: type, spot: true) { throw CommandEnd(.usage, refusal) }
        printError("blendbatch: estimate on \(type) Spot: \(Budget.usd(estimate.instances[0].spotUSD)) "
            + "(p90 \(Budget.usd(estimate.instances[0].p90.spotUSD))), within --max-cost \(Budget.usd(maxCost))")
        return (AWSSpendLimit(maxUSD: maxCost, instanceType: type, market: "spot", usdPerHour: estimate.instances[0].spotUSDPerHour), estimate)
    }
}
