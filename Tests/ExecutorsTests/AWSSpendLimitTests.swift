import AWSCore
import AWSServices
import Foundation
import ObjectStore
import RenderPlan
import Testing
@testable import Executors

/// The AWS spend limit against a job submitted to moto: the children Batch lists, the decision, and
/// `cost.json` beside the manifest. moto runs children at once, so the stop is forced with a limit
/// of US$0 (every child has started by then; what remains to cancel is tested in BudgetTests).
@Suite("AWS spend limit against moto", .serialized)
struct AWSSpendLimitTests {
    let client = motoClient()

    @Test("a job over its limit is recorded as stopped in cost.json in the store, with the spend measured", .requires(.moto))
    func stopRecorded() async throws {
        let target = try await MotoRenderTarget.create(client: client)
        let client = self.client
        var executor = AWSBatchExecutor(batch: BatchClient(client: client),
                                        settings: AWSBatchSettings(queue: target.fleet.queueName, jobDefinition: target.definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = AWSJobIndex(folder: FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("aws-jobs")).path)
        let blend = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("shot")).blend")
        try Data("BLENDER-v300 test bytes".utf8).write(to: blend)
        let output = "s3://\(target.bucket)/jobs/shot"
        let job = JobManifest(id: uniqueName("job"), input: blend.path, scene: nil, overrides: RenderOverrides(),
                              chunks: (0..<3).map { FrameChunk(index: $0, frames: [$0 + 1]) },
                              output: OutputSpec(location: output, name: "shot"), stitch: nil)
        let handle = try await executor.submitJob(job)

        var children: [SpendCheck.Child] = []
        let deadline = Date().addingTimeInterval(30)
        while children.count < 3 && Date() < deadline {
            children = try await AWSSpendLimit.children(of: handle)
            if children.count < 3 { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        #expect(children.count == 3)
        #expect(Set(children.map(\.jobId)) == Set((0..<3).map { "\(handle.record.latest.renderJobId!):\($0)" }))

        let limit = AWSSpendLimit(maxUSD: 0, instanceType: "c5.xlarge", market: "spot", usdPerHour: 0.07)
        let decision = try await limit.check(handle)
        #expect(decision.stop)
        let data = try await handle.store.read(key: AWSJobFolder(id: handle.id).key("cost.json"))
        let record = try JSONDecoder().decode(CostRecord.self, from: data)
        #expect(record.budget?.stopped == true)
        #expect(record.budget?.maxCostUSD == 0)
        #expect(record.budget?.reason?.contains("--max-cost US$0.00 reached") == true)
        #expect(record.spent?.instanceType == "c5.xlarge" && record.spent?.market == "spot")
        #expect(record.spent?.usd == decision.spentUSD)
    }
}
