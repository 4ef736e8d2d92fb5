import AWSServices
import Foundation
import ObjectStore

/// `render --backend aws --max-cost USD` while the job runs: measured spend is each started array
/// child's running time at `usdPerHour` (one child per instance); once it reaches `maxUSD`, the
/// children that have not started are cancelled, the rest run out, and `cost.json` in the job's folder
/// in the store says so.
public struct AWSSpendLimit: Sendable {
    public var maxUSD: Double
    public var instanceType: String
    /// `spot` or `on_demand`.
    public var market: String
    public var usdPerHour: Double

    public init(maxUSD: Double, instanceType: String, market: String, usdPerHour: Double) {
        self.maxUSD = maxUSD
        self.instanceType = instanceType
        self.market = market
        self.usdPerHour = usdPerHour
    }

    /// The render array's children as Batch lists them, every status.
    public static func children(of handle: AWSBatchJobHandle) async throws -> [SpendCheck.Child] {
        var children: [SpendCheck.Child] = []
        for submission in handle.record.submissions {
            guard let parent = submission.renderJobId else { continue }
            for status in BatchJobStatus.allCases {
                for job in try await handle.batch.listJobs(ListJobsRequest(arrayJobId: parent, jobStatus: status)) {
                    children.append(SpendCheck.Child(jobId: job.jobId, status: status.rawValue,
                                                     startedAt: job.startedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                                                     stoppedAt: job.stoppedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) }))
                }
            }
        }
        return children
    }

    /// One look at the job: decide, cancel what has not started when the limit is reached, and
    /// record the spend (and the stop) in `cost.json`.
    @discardableResult
    public func check(_ handle: AWSBatchJobHandle, now: Date = Date()) async throws -> SpendCheck.Decision {
        let decision = SpendCheck.decide(try await Self.children(of: handle), now: now, usdPerHour: usdPerHour, maxUSD: maxUSD)
        for id in decision.cancel {
            try? await handle.batch.cancelJob(id, reason: "blendbatch: --max-cost \(Budget.usd(maxUSD)) reached")
        }
        await Self.update(handle) { record in
            record.spent = .init(usd: decision.spentUSD, instanceType: instanceType, market: market, taskSeconds: decision.taskSeconds)
            var budget = record.budget ?? CostRecord.Budget()
            budget.maxCostUSD = maxUSD
            budget.stopped = decision.stop
            if decision.stop {
                budget.reason = "--max-cost \(Budget.usd(maxUSD)) reached at \(Budget.usd(decision.spentUSD)) measured: "
                    + "\(decision.cancel.count) array child(ren) not started were cancelled; the frames rendered are kept"
            }
            record.budget = budget
        }
        return decision
    }

    /// Merge `change` into the job's `cost.json` in the store, beside its manifest (best effort).
    public static func update(_ handle: AWSBatchJobHandle, _ change: (inout CostRecord) -> Void) async {
        let key = AWSJobFolder(id: handle.id).key("cost.json")
        var record = (try? await handle.store.read(key: key)).flatMap { try? JSONDecoder().decode(CostRecord.self, from: $0) } ?? CostRecord()
        change(&record)
        guard let data = try? record.encoded() else { return }
        try? await handle.store.put(data: data, key: key)
    }

    /// Check every `handle.pollInterval` seconds until the job ends, the limit stops it, or the task is cancelled.
    public func watch(_ handle: AWSBatchJobHandle, note: @escaping @Sendable (String) -> Void) async {
        while !Task.isCancelled {
            if let decision = try? await check(handle), decision.stop {
                note("--max-cost \(Budget.usd(maxUSD)) reached (\(Budget.usd(decision.spentUSD)) measured): "
                    + "\(decision.cancel.count) array child(ren) that had not started cancelled; running ones finish")
                return
            }
            if (try? await handle.currentStatus())?.state.isFinal ?? false { return }
            try? await Task.sleep(for: .seconds(handle.pollInterval))
        }
    }
}
