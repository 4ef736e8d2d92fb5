import Foundation

// Request and response shapes of the AWS Step Functions calls blendbatch makes
// (JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`). Dates are seconds since 1970.

/// One Step Functions operation: the request is POSTed to `/` with `X-Amz-Target: AWSStepFunctions.<target>`.
public protocol StepFunctionsOperation: Encodable, Sendable {
    associatedtype Response: Decodable & Sendable
    static var target: String { get }
}

public struct StepFunctionsTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct CreateStateMachineRequest: StepFunctionsOperation, Equatable {
    public static let target = "CreateStateMachine"
    public typealias Response = CreateStateMachineResponse
    public var name: String
    /// Amazon States Language JSON text.
    public var definition: String
    public var roleArn: String
    /// `STANDARD` (needed for `.sync` integrations) or `EXPRESS`.
    public var type: String?
    public var tags: [StepFunctionsTag]?
    public init(name: String, definition: String, roleArn: String, type: String? = "STANDARD", tags: [StepFunctionsTag]? = nil) {
        self.name = name
        self.definition = definition
        self.roleArn = roleArn
        self.type = type
        self.tags = tags
    }
}

public struct CreateStateMachineResponse: Codable, Sendable, Equatable {
    public var stateMachineArn: String
    public var creationDate: Double?
}

public struct UpdateStateMachineRequest: StepFunctionsOperation, Equatable {
    public static let target = "UpdateStateMachine"
    public typealias Response = UpdateStateMachineResponse
    public var stateMachineArn: String
    public var definition: String?
    public var roleArn: String?
    public init(stateMachineArn: String, definition: String?, roleArn: String?) {
        self.stateMachineArn = stateMachineArn
        self.definition = definition
        self.roleArn = roleArn
    }
}

public struct UpdateStateMachineResponse: Codable, Sendable, Equatable {
    public var updateDate: Double?
}

public struct StartExecutionRequest: StepFunctionsOperation, Equatable {
    public static let target = "StartExecution"
    public typealias Response = StartExecutionResponse
    public var stateMachineArn: String
    /// Unique per state machine for 90 days; becomes the blendbatch job id.
    public var name: String?
    /// JSON text.
    public var input: String?
    public init(stateMachineArn: String, name: String? = nil, input: String? = nil) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.input = input
    }
}

public struct StartExecutionResponse: Codable, Sendable, Equatable {
    public var executionArn: String
    public var startDate: Double?
}

public struct DescribeExecutionRequest: StepFunctionsOperation, Equatable {
    public static let target = "DescribeExecution"
    public typealias Response = ExecutionDescription
    public var executionArn: String
    public init(executionArn: String) { self.executionArn = executionArn }
}

public enum ExecutionStatus: String, Codable, Sendable {
    case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT"
    case aborted = "ABORTED", pendingRedrive = "PENDING_REDRIVE"
}

public struct ExecutionDescription: Codable, Sendable, Equatable {
    public var executionArn: String
    public var stateMachineArn: String
    public var name: String?
    public var status: ExecutionStatus
    public var startDate: Double?
    public var stopDate: Double?
    public var input: String?
    public var output: String?
    public var error: String?
    public var cause: String?
}
