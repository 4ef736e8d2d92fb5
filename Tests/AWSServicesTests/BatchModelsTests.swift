import AWSServices
import Foundation
import Testing

@Suite("Batch request and response models")
struct BatchModelsTests {
    func json(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    @Test("SubmitJob sends only what is set: no share identifier, no empty members")
    func submitJobOmitsNil() throws {
        let request = SubmitJobRequest(jobName: "shot-render", jobQueue: "q", jobDefinition: "d",
                                       arrayProperties: ArrayProperties(size: 12),
                                       containerOverrides: ContainerOverrides(environment: [KeyValuePair(name: "A", value: "1")]))
        let body = try json(request)
        #expect(Set(body.keys) == ["jobName", "jobQueue", "jobDefinition", "arrayProperties", "containerOverrides"])
        #expect((body["arrayProperties"] as? [String: Int])?["size"] == 12)
        #expect(SubmitJobRequest.path == "/v1/submitjob")
    }

    @Test("the Spot-aware retry strategy: RETRY on Host EC2* and the interrupted code, EXIT on everything else, in that order")
    func spotAwareRetry() throws {
        let strategy = RetryStrategy.spotAware(attempts: 5, interruptedExitCode: 75)
        let body = try json(strategy)
        let entries = try #require(body["evaluateOnExit"] as? [[String: String]])
        #expect(entries == [["onStatusReason": "Host EC2*", "action": "RETRY"],
                            ["onExitCode": "75", "action": "RETRY"],
                            ["onReason": "*", "action": "EXIT"]])
        #expect(body["attempts"] as? Int == 5)
    }

    @Test("retry actions decode in any case (moto echoes them lower-cased)")
    func actionCase() throws {
        let decoded = try JSONDecoder().decode(EvaluateOnExit.self, from: Data(#"{"onReason":"*","action":"exit"}"#.utf8))
        #expect(decoded.action == .exit)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EvaluateOnExit.self, from: Data(#"{"action":"maybe"}"#.utf8))
        }
    }

    @Test("a child's array index comes from arrayProperties, else from the id suffix")
    func childIndex() throws {
        let summary = try JSONDecoder().decode(JobSummary.self, from: Data(#"{"jobId":"abc-1:7","jobName":"r"}"#.utf8))
        #expect(summary.arrayIndex == 7)
        let parent = try JSONDecoder().decode(JobSummary.self, from: Data(#"{"jobId":"abc-1","jobName":"r"}"#.utf8))
        #expect(parent.arrayIndex == nil)
    }
}
