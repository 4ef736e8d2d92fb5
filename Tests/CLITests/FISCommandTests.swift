import AWSCore
import AWSServices
import Foundation
import Testing

@Suite("blendbatch fis spot-interruption", .serialized)
struct FISCommandTests {
    @Test("--count and --percent together, an unknown job: exit 64 / 66 with the reason", .requires(.moto))
    func badOptions() throws {
        let both = try runAWSCLI(["fis", "spot-interruption", "--job", "j", "--count", "1", "--percent", "5"])
        #expect(both.code == 64)
        #expect(both.stderr.contains("--count or --percent, not both"))
        let unknown = try runAWSCLI(["fis", "spot-interruption", "--job", "no-such-job", "--count", "1"])
        #expect(unknown.code == 66)
        #expect(unknown.stderr.contains("no AWS job 'no-such-job'"))
    }

    @Test("on a Batch job id: experiment against its queue's Spot fleet, followed to completion with --wait", .requires(.moto))
    func runsExperiment() async throws {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let fleet = try await MotoBatchFleet.create(client: client)
        let definition = uniqueName("worker")
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: definition, image: "img:1", interruptedExitCode: 75))
        let job = try await batch.submitJob(SubmitJobRequest(jobName: "render", jobQueue: fleet.queueName, jobDefinition: definition,
                                                             arrayProperties: ArrayProperties(size: 3)))
        let result = try runAWSCLI(["fis", "spot-interruption", "--job", job.jobId, "--percent", "50", "--notice", "PT3M",
                                    "--role-arn", "arn:aws:iam::123456789012:role/fis", "--wait", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["state"] as? String == "completed")
        #expect(result.stderr.contains("interrupting 50% of the instances with PT3M notice"))
        let template = try await FISClient(client: client).experimentTemplate(id: try #require(json["template"] as? String))
        #expect(template.targets?.values.first?.resourceTags == ["blendbatch:fleet": fleet.fleetTag])
        #expect(template.targets?.values.first?.selectionMode == "PERCENT(50)")

        let badNotice = try runAWSCLI(["fis", "spot-interruption", "--job", job.jobId, "--notice", "PT30S",
                                       "--role-arn", "arn:aws:iam::123456789012:role/fis"])
        #expect(badNotice.code == 64)
        #expect(badNotice.stderr.contains("notice 'PT30S'"))
    }
}
