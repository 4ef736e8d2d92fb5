import AWSCore
import AWSServices
import Foundation
import Testing

@Suite("Step Functions client against moto", .serialized)
struct StepFunctionsClientTests {
    let role = "arn:aws:iam::123456789012:role/sfn"

    @Test("CreateStateMachine accepts the exported render pipeline; an update replaces its definition", .requires(.moto))
    func createExportedPipeline() async throws {
        let sfn = StepFunctionsClient(client: motoClient())
        let definition = try RenderPipelineDefinition(jobQueue: "render-q", jobDefinition: "blendbatch-worker").jsonString()
        let created = try await sfn.createStateMachine(CreateStateMachineRequest(name: uniqueName("render"), definition: definition, roleArn: role))
        #expect(created.stateMachineArn.hasPrefix("arn:aws:states:us-east-1:"))
        let updated = try RenderPipelineDefinition(jobQueue: "render-q-2", jobDefinition: "blendbatch-worker").jsonString()
        #expect(updated != definition)
        try await sfn.updateStateMachine(UpdateStateMachineRequest(stateMachineArn: created.stateMachineArn,
                                                                   definition: updated, roleArn: role))
        let reread: JSONValue = try await sfn.client.jsonTarget(.stepFunctions, target: "AWSStepFunctions.DescribeStateMachine",
                                                               body: ["stateMachineArn": JSONValue.string(created.stateMachineArn)])
        #expect(reread["definition"]?.stringValue == updated)
    }

    @Test("StartExecution and DescribeExecution: a Pass machine runs to SUCCEEDED with its output", .requires(.moto))
    func runExecution() async throws {
        // moto runs definitions only with execute_state_machine on; set it here (that setting alone), so
        // the test does not depend on how the shared server was started.
        try enableExecution()
        let sfn = StepFunctionsClient(client: motoClient())
        let machine: JSONValue = ["StartAt": "P", "States": ["P": ["Type": "Pass", "Result": ["frames": 10], "ResultPath": "$.render", "End": true]]]
        let created = try await sfn.createStateMachine(CreateStateMachineRequest(
            name: uniqueName("pass"), definition: try machine.jsonString(pretty: false), roleArn: role))
        let started = try await sfn.startExecution(StartExecutionRequest(stateMachineArn: created.stateMachineArn,
                                                                         name: uniqueName("run"), input: #"{"job":"j1"}"#))
        var description = try await sfn.describeExecution(arn: started.executionArn)
        let deadline = Date().addingTimeInterval(30)
        while description.status == .running && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            description = try await sfn.describeExecution(arn: started.executionArn)
        }
        #expect(description.status == .succeeded)
        let output = try JSONDecoder().decode(JSONValue.self, from: Data((description.output ?? "{}").utf8))
        #expect(output["render"]?["frames"] == 10)
        #expect(output["job"] == "j1")
    }

    /// POST moto's `stepfunctions.execute_state_machine` (what scripts/moto start applies too).
    func enableExecution() throws {
        let result = try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-X", "POST", try #require(motoURL) + "/moto-api/config",
                                                              "-H", "Content-Type: application/json", "-d", #"{"stepfunctions":{"execute_state_machine":true}}"#])
        try #require(result.status == 0, "moto refused the config: \(result.output)")
    }

    @Test("an unknown execution is an AWSError ExecutionDoesNotExist", .requires(.moto))
    func unknownExecution() async throws {
        let sfn = StepFunctionsClient(client: motoClient())
        do {
            _ = try await sfn.describeExecution(arn: "arn:aws:states:us-east-1:123456789012:execution:nope:\(UUID().uuidString)")
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error.code == "ExecutionDoesNotExist")
        }
    }
}
