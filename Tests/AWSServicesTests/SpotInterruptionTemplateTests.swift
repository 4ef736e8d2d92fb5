import AWSServices
import Foundation
import Testing

@Suite("FIS Spot-interruption template")
struct SpotInterruptionTemplateTests {
    let role = "arn:aws:iam::123456789012:role/fis"

    @Test("targets running Spot instances by the fleet's tags with the interruption action and notice")
    func request() throws {
        let template = try SpotInterruptionTemplate(fleetTags: ["blendbatch:fleet": "bb"], selection: .percent(50),
                                                    notice: "PT3M", roleArn: role)
        let request = template.request()
        let target = try #require(request.targets["RenderSpotInstances"])
        #expect(target.resourceType == "aws:ec2:spot-instance")
        #expect(target.resourceTags == ["blendbatch:fleet": "bb"])
        #expect(target.selectionMode == "PERCENT(50)")
        #expect(target.filters == [ExperimentTemplateTargetFilter(path: "State.Name", values: ["running"])])
        let action = try #require(request.actions["InterruptSpot"])
        #expect(action.actionId == "aws:ec2:send-spot-instance-interruptions")
        #expect(action.parameters == ["durationBeforeInterruption": "PT3M"])
        #expect(action.targets == ["SpotInstances": "RenderSpotInstances"])
        #expect(request.stopConditions == [ExperimentTemplateStopCondition(source: "none")])
        #expect(request.tags?[SpotInterruptionTemplate.reuseTag] == template.reuseTagValue)
    }

    @Test("the reuse tag is stable and differs when a setting differs")
    func reuseTag() throws {
        let a = try SpotInterruptionTemplate(fleetTags: ["k": "v"], selection: .count(1), roleArn: role)
        let b = try SpotInterruptionTemplate(fleetTags: ["k": "v"], selection: .count(1), roleArn: role)
        let c = try SpotInterruptionTemplate(fleetTags: ["k": "v"], selection: .count(2), roleArn: role)
        #expect(a.reuseTagValue == b.reuseTagValue)
        #expect(a.reuseTagValue != c.reuseTagValue)
    }

    @Test("bad counts, percentages and notices are refused with a message naming the value", arguments: [
        (SpotSelection.count(0), "PT2M", "--count must be at least 1 (got 0)"),
        (SpotSelection.percent(101), "PT2M", "--percent must be from 1 to 100 (got 101)"),
        (SpotSelection.count(1), "PT90S", "notice 'PT90S'"),
        (SpotSelection.count(1), "2 minutes", "notice '2 minutes'"),
        (SpotSelection.count(1), "PT16M", "notice 'PT16M'"),
    ])
    func badInput(selection: SpotSelection, notice: String, message: String) {
        do {
            _ = try SpotInterruptionTemplate(fleetTags: ["k": "v"], selection: selection, notice: notice, roleArn: role)
            Issue.record("accepted \(selection) \(notice)")
        } catch {
            #expect("\(error)".contains(message))
        }
    }

    @Test("notice durations of PT2M to PT15M are accepted and sent as the action's notice", arguments: ["PT2M", "PT120S", "PT2M30S", "PT15M"])
    func goodNotice(notice: String) throws {
        let template = try SpotInterruptionTemplate(fleetTags: ["k": "v"], selection: .count(1), notice: notice, roleArn: role)
        #expect(template.notice == notice)
        #expect(template.request().actions["InterruptSpot"]?.parameters == ["durationBeforeInterruption": notice])
    }
}
