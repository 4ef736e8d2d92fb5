import AWSCore
import AWSServices
import Foundation
import Testing

/// The worker job definition's Blender version and GPUs, as registered and read back.
@Suite("Worker job definition: Blender version tag, GPUs, families")
struct WorkerJobDefinitionTests {
    @Test("the Blender version and GPUs registered are read back from DescribeJobDefinitions (moto)", .requires(.moto))
    func versionAndGPUsReadBack() async throws {
        let batch = BatchClient(client: motoClient())
        let family = uniqueName("awsimg-def")
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: family, image: "img:1", interruptedExitCode: 75))
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: family, image: "img:2", blenderVersion: "4.5.5", interruptedExitCode: 75))
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: "\(family)-gpu", image: "img:2", gpus: 1, blenderVersion: "4.5.5",
                                                                    interruptedExitCode: 75))
        let latest = try await batch.latestJobDefinitions(family: family)
        #expect(latest.map(\.reference) == ["\(family):2", "\(family)-gpu:1"])
        #expect(latest.map(\.blenderVersion) == ["4.5.5", "4.5.5"])
        #expect(latest.map(\.gpus) == [0, 1])
        #expect(latest.first?.tags?["blendbatch:role"] == "worker")
        let first = try #require(try await batch.jobDefinition("\(family):1"))
        #expect(first.blenderVersion == nil && first.gpus == 0)
    }

    @Test("a compute environment launches GPUs when it has g/p instance families or types")
    func gpuInstanceTypes() throws {
        func environment(_ types: [String]) throws -> ComputeEnvironmentDetail {
            let json: [String: Any] = ["computeEnvironmentName": "ce", "computeEnvironmentArn": "arn:ce",
                                       "computeResources": ["type": "SPOT", "instanceTypes": types]]
            return try JSONDecoder().decode(ComputeEnvironmentDetail.self, from: JSONSerialization.data(withJSONObject: json))
        }
        #expect(try environment(["g5", "g6"]).launchesGPUs)
        #expect(try environment(["c5", "g6e.xlarge"]).launchesGPUs)
        #expect(try environment(["p4d.24xlarge"]).launchesGPUs)
        #expect(try !environment(["c6i", "m5", "optimal"]).launchesGPUs)
        #expect(try !environment(["graviton"]).launchesGPUs)
    }
}
