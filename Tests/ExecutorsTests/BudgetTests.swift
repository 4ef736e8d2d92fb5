import Foundation
import Testing
@testable import Executors

@Suite("Budgets: refusal before submitting, the AWS spend check")
struct BudgetTests {
    func estimate(seconds: Double) throws -> CostEstimate {
        let model = EstimateModel(samples: [FrameSample(frame: 1, seconds: seconds)], startupSeconds: 0, threads: 1,
                                  chunks: [Array(1...100)], workers: 1, cores: 1)
        return try model.estimate(basis: "sampled", types: ["c7i.4xlarge"], table: PriceTable.shipped)
    }

    @Test("an estimate over --max-time or --max-cost is refused with the figures; one within passes")
    func refusal() throws {
        let e = try estimate(seconds: 36)  // 3600 s here; 225 s on a c7i.4xlarge
        let time = try #require(Budget(maxTimeSeconds: 1800).refusal(e))
        #expect(time.contains("60.0 min") && time.contains("--max-time 30.0 min") && time.contains("not submitted"))
        #expect(Budget(maxTimeSeconds: 3601).refusal(e) == nil)
        let spot = e.instances[0].p90.spotUSD
        let cost = try #require(Budget(maxCostUSD: spot / 2).refusal(e, instance: "c7i.4xlarge"))
        #expect(cost.contains("c7i.4xlarge (Spot)") && cost.contains("--max-cost"))
        #expect(Budget(maxCostUSD: spot * 2).refusal(e, instance: "c7i.4xlarge") == nil)
        #expect(Budget(maxCostUSD: e.instances[0].p90.onDemandUSD / 2).refusal(e, instance: "c7i.4xlarge", spot: false) != nil)
    }

    @Test("spend adds up started children's running time; at the limit the children not started are cancelled")
    func spendCheck() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let children = [
            SpendCheck.Child(jobId: "a:0", status: "SUCCEEDED", startedAt: t0, stoppedAt: t0.addingTimeInterval(1800)),
            SpendCheck.Child(jobId: "a:1", status: "RUNNING", startedAt: t0),
            SpendCheck.Child(jobId: "a:2", status: "RUNNABLE"),
            SpendCheck.Child(jobId: "a:3", status: "PENDING"),
        ]
        let now = t0.addingTimeInterval(3600)
        let under = SpendCheck.decide(children, now: now, usdPerHour: 1, maxUSD: 2)
        #expect(under == SpendCheck.Decision(spentUSD: 1.5, taskSeconds: 5400, stop: false, cancel: []))
        let over = SpendCheck.decide(children, now: now, usdPerHour: 1, maxUSD: 1.5)
        #expect(over.stop && over.cancel == ["a:2", "a:3"])
    }
}
