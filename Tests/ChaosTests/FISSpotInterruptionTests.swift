import AWSCore
import AWSServices
import Chaos
import Foundation
import Testing

/// Spot interruptions through FIS, against moto: the job's queue leads to its Spot compute
/// environment, whose instance tags the experiment template targets.
@Suite("FIS Spot interruption against moto", .serialized)
struct FISSpotInterruptionTests {
    let client = motoClient()
    let role = "arn:aws:iam::123456789012:role/fis"
    var chaos: FISSpotInterruption { FISSpotInterruption(batch: BatchClient(client: client), fis: FISClient(client: client)) }

    @Test("the fleet of a queue: its Spot compute environment and the tag on its instances", .requires(.moto))
    func fleetOfQueue() async throws {
        let fleet = try await MotoBatchFleet.create(client: client)
        let found = try await chaos.fleet(queue: fleet.queueName)
        #expect(found.environment == fleet.spotEnvironment)
        #expect(found.tags == ["blendbatch:fleet": fleet.fleetTag])
    }

    @Test("an experiment is created with the tag target, followed to completion; a second run reuses the template", .requires(.moto))
    func createFollowReuse() async throws {
        let fleet = try await MotoBatchFleet.create(client: client)
        let first = try await chaos.start(queue: fleet.queueName, selection: .count(1), notice: "PT2M", roleArn: role, jobId: "job-1")
        let template = try await FISClient(client: client).experimentTemplate(id: first.templateId)
        #expect(template.targets?.values.first?.resourceTags == ["blendbatch:fleet": fleet.fleetTag])
        #expect(template.targets?.values.first?.resourceType == "aws:ec2:spot-instance")
        #expect(template.actions?.values.first?.actionId == spotInterruptionActionId)
        let statuses = StatusLog()
        let end = try await first.wait(pollInterval: 0.01) { statuses.add($0.status) }
        #expect(end.status == .completed)
        #expect(statuses.all.contains(.running))

        // Same fleet, selection and notice: the template is reused, and no role is needed.
        let second = try await chaos.start(queue: fleet.queueName, selection: .count(1), notice: "PT2M", roleArn: nil)
        #expect(second.templateId == first.templateId)
        #expect(second.id != first.id)
        // Another selection makes a new template, with the role of the fleet's existing one.
        let third = try await chaos.start(queue: fleet.queueName, selection: .percent(50), notice: "PT2M", roleArn: nil)
        #expect(third.templateId != first.templateId)
    }

    @Test("an experiment is stopped on request", .requires(.moto))
    func stop() async throws {
        let fleet = try await MotoBatchFleet.create(client: client)
        let experiment = try await chaos.start(queue: fleet.queueName, selection: .count(2), notice: "PT3M", roleArn: role)
        _ = try await experiment.stop()
        let end = try await experiment.wait(pollInterval: 0.01)
        #expect(end.status == .stopped)
    }

    @Test("no role and no template for the fleet yet: a clear message asking for --role-arn", .requires(.moto))
    func needsRole() async throws {
        let fleet = try await MotoBatchFleet.create(client: client)
        await #expect { _ = try await chaos.start(queue: fleet.queueName, selection: .count(1), notice: "PT2M", roleArn: nil) } throws: {
            "\($0)".contains("--role-arn") && "\($0)".contains(fleet.spotEnvironment)
        }
        await #expect { _ = try await chaos.fleet(queue: "no-such-queue") } throws: { "\($0)".contains("no-such-queue") }
    }
}

/// Experiment statuses seen by `wait`, in order.
final class StatusLog: @unchecked Sendable {
    // Sendable: `statuses` is only touched under `lock`.
    private let lock = NSLock()
    private var statuses: [ExperimentStatus] = []
    func add(_ status: ExperimentStatus) { lock.withLock { statuses.append(status) } }
    var all: [ExperimentStatus] { lock.withLock { statuses } }
}
