import AWSCore
import AWSServices
import Foundation
import Testing

@Suite("FIS client against moto", .serialized)
struct FISClientTests {
    let role = "arn:aws:iam::123456789012:role/fis"

    @Test("template with the spot-interruption action and tag target; experiment started and followed to completion", .requires(.moto))
    func experimentRunsToCompletion() async throws {
        let fis = FISClient(client: motoClient())
        let tag = uniqueName("fleet")
        let spec = try SpotInterruptionTemplate(fleetTags: ["blendbatch:fleet": tag], selection: .count(2), roleArn: role)
        let template = try await fis.createExperimentTemplate(spec.request())
        let fetched = try await fis.experimentTemplate(id: template.id)
        #expect(fetched.actions?["InterruptSpot"]?.actionId == spotInterruptionActionId)
        #expect(fetched.actions?["InterruptSpot"]?.parameters?["durationBeforeInterruption"] == "PT2M")
        #expect(fetched.targets?["RenderSpotInstances"]?.resourceTags == ["blendbatch:fleet": tag])
        #expect(fetched.targets?["RenderSpotInstances"]?.selectionMode == "COUNT(2)")
        #expect(try await fis.experimentTemplates().contains { $0.id == template.id })

        let experiment = try await fis.startExperiment(templateId: template.id, tags: ["blendbatch:job": "j1"])
        #expect(experiment.experimentTemplateId == template.id)
        var seen = [experiment.state.status]
        for _ in 0..<10 where !(seen.last?.isFinal ?? false) {
            seen.append(try await fis.experiment(id: experiment.id).state.status)
        }
        #expect(seen.last == .completed)
        #expect(seen.contains(.running))
        #expect(try await fis.experiments(templateId: template.id).map(\.id).contains(experiment.id))
    }

    @Test("an experiment stopped on request ends as stopped", .requires(.moto))
    func stopOnRequest() async throws {
        let fis = FISClient(client: motoClient())
        let spec = try SpotInterruptionTemplate(fleetTags: ["blendbatch:fleet": uniqueName("fleet")], selection: .percent(50), roleArn: role)
        let template = try await fis.createExperimentTemplate(spec.request())
        let experiment = try await fis.startExperiment(templateId: template.id)
        let stopping = try await fis.stopExperiment(id: experiment.id)
        #expect([.stopping, .stopped].contains(stopping.state.status))
        var status = stopping.state.status
        for _ in 0..<5 where !status.isFinal { status = try await fis.experiment(id: experiment.id).state.status }
        #expect(status == .stopped)
    }

    @Test("an unknown experiment is an AWSError with a not-found code", .requires(.moto))
    func unknownExperiment() async throws {
        let fis = FISClient(client: motoClient())
        do {
            _ = try await fis.experiment(id: "EXP" + UUID().uuidString.prefix(10))
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error.statusCode == 404 || error.code.contains("NotFound"))
        }
    }
}
