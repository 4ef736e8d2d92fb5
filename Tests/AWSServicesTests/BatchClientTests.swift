import AWSCore
import AWSServices
import Foundation
import Testing

@Suite("Batch client against moto", .serialized)
struct BatchClientTests {
    @Test("register the worker job definition, then find it by name with its retry strategy", .requires(.moto))
    func registerAndDescribe() async throws {
        let batch = BatchClient(client: motoClient())
        let name = uniqueName("worker")
        let request = RegisterJobDefinitionRequest.blendbatchWorker(
            name: name, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/blendbatch:test", interruptedExitCode: 75)
        let registered = try await batch.registerJobDefinition(request)
        #expect(registered.jobDefinitionName == name)
        #expect(registered.revision == 1)
        _ = try await batch.registerJobDefinition(request)
        let found = try #require(try await batch.jobDefinition(name))
        #expect(found.revision == 2)
        #expect(found.retryStrategy == RetryStrategy.spotAware(attempts: 5, interruptedExitCode: 75))
        #expect(found.containerProperties?.command == ["worker"])
        let first = try #require(try await batch.jobDefinition("\(name):1"))
        #expect(first.revision == 1)
        #expect(try await batch.jobDefinition(first.jobDefinitionArn)?.revision == 1)
        #expect(try await batch.jobDefinition("\(name):9") == nil)
        #expect(try await batch.jobDefinition(uniqueName("missing")) == nil)
    }

    @Test("submit an array job and a dependent job; describe, list children by status, terminate", .requires(.moto))
    func submitDescribeList() async throws {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let fleet = try await MotoBatchFleet.create(client: client)
        let definition = uniqueName("worker")
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: definition, image: "img:1", interruptedExitCode: 75))

        let array = try await batch.submitJob(SubmitJobRequest(
            jobName: "render", jobQueue: fleet.queueName, jobDefinition: definition, arrayProperties: ArrayProperties(size: 150),
            containerOverrides: ContainerOverrides(environment: [KeyValuePair(name: "BLENDBATCH_MANIFEST", value: "s3://b/m.json")]),
            tags: ["blendbatch:job": "t1"]))
        let stitch = try await batch.submitJob(SubmitJobRequest(
            jobName: "stitch", jobQueue: fleet.queueName, jobDefinition: definition,
            dependsOn: [JobDependency(jobId: array.jobId)]))

        let jobs = try await batch.describeJobs([stitch.jobId, array.jobId])
        #expect(jobs.map(\.jobId) == [stitch.jobId, array.jobId])
        #expect(jobs[1].arrayProperties?.size == 150)
        #expect(jobs[1].environment("BLENDBATCH_MANIFEST") == "s3://b/m.json")
        #expect(jobs[0].dependsOn?.map(\.jobId) == [array.jobId])

        // 150 children: more than one DescribeJobs call (100 per call) and more than one ListJobs page.
        let children = try await batch.listJobs(ListJobsRequest(arrayJobId: array.jobId, jobStatus: .succeeded, maxResults: 40))
        #expect(children.count == 150)
        #expect(Set(children.compactMap(\.arrayIndex)) == Set(0..<150))
        let described = try await batch.describeJobs(children.map(\.jobId))
        #expect(described.count == 150)
        #expect(try await batch.arrayChildren(of: array.jobId, status: .failed).isEmpty)

        try await batch.terminateJob(stitch.jobId, reason: "test")
        try await batch.cancelJob(array.jobId, reason: "test")
    }

    @Test("queues and compute environments: found by name, the Spot environment's instance tags, unknown ones are nil", .requires(.moto))
    func queuesAndEnvironments() async throws {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let fleet = try await MotoBatchFleet.create(client: client)
        let queue = try #require(try await batch.jobQueue(fleet.queueName))
        #expect(queue.jobQueueArn == fleet.queueArn)
        #expect(queue.computeEnvironmentOrder.count == 1)
        let environments = try await batch.computeEnvironments([fleet.spotEnvironment])
        #expect(environments.first?.computeResources?.type == "SPOT")
        #expect(environments.first?.computeResources?.tags?["blendbatch:fleet"] == fleet.fleetTag)
        #expect(try await batch.jobQueue(uniqueName("nope")) == nil)
    }

    @Test("a Batch error answer becomes an AWSError naming the service and code", .requires(.moto))
    func errors() async throws {
        let batch = BatchClient(client: motoClient())
        await #expect(throws: AWSError.self) {
            _ = try await batch.submitJob(SubmitJobRequest(jobName: "x", jobQueue: uniqueName("nope"), jobDefinition: "nope"))
        }
    }
}
