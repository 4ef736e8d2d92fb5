import AWSCore
import Foundation

/// The AWS Step Functions calls blendbatch makes (JSON 1.0), on the shared signed client.
public struct StepFunctionsClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public func send<Operation: StepFunctionsOperation>(_ operation: Operation) async throws -> Operation.Response {
        try await client.jsonTarget(.stepFunctions, target: "AWSStepFunctions.\(Operation.target)", jsonVersion: "1.0",
                                    body: operation, as: Operation.Response.self)
    }

    public func createStateMachine(_ request: CreateStateMachineRequest) async throws -> CreateStateMachineResponse {
        try await send(request)
    }

    public func updateStateMachine(_ request: UpdateStateMachineRequest) async throws {
        _ = try await send(request)
    }

    public func startExecution(_ request: StartExecutionRequest) async throws -> StartExecutionResponse {
        try await send(request)
    }

    public func describeExecution(arn: String) async throws -> ExecutionDescription {
        try await send(DescribeExecutionRequest(executionArn: arn))
    }
}
