import Foundation

// Request and response shapes of the AWS Fault Injection Service calls blendbatch makes
// (REST-JSON, API 2020-12-01). Times are seconds since 1970.

/// The FIS action that sends Spot interruption notices (and then interrupts the instances).
public let spotInterruptionActionId = "aws:ec2:send-spot-instance-interruptions"

public struct ExperimentTemplateTargetFilter: Codable, Sendable, Equatable {
    public var path: String
    public var values: [String]
    public init(path: String, values: [String]) {
        self.path = path
        self.values = values
    }
}

/// Which resources an action hits: by ARN or by tags, narrowed by filters and a selection mode
/// (`ALL`, `COUNT(n)`, `PERCENT(p)`).
public struct ExperimentTemplateTarget: Codable, Sendable, Equatable {
    public var resourceType: String
    public var resourceArns: [String]?
    public var resourceTags: [String: String]?
    public var filters: [ExperimentTemplateTargetFilter]?
    public var selectionMode: String
    public init(resourceType: String, resourceArns: [String]? = nil, resourceTags: [String: String]? = nil,
                filters: [ExperimentTemplateTargetFilter]? = nil, selectionMode: String) {
        self.resourceType = resourceType
        self.resourceArns = resourceArns
        self.resourceTags = resourceTags
        self.filters = filters
        self.selectionMode = selectionMode
    }
}

public struct ExperimentTemplateAction: Codable, Sendable, Equatable {
    public var actionId: String
    public var description: String?
    public var parameters: [String: String]?
    /// Target role of the action (e.g. `SpotInstances`) → name of an entry in the template's targets.
    public var targets: [String: String]?
    public var startAfter: [String]?
    public init(actionId: String, description: String? = nil, parameters: [String: String]? = nil,
                targets: [String: String]? = nil, startAfter: [String]? = nil) {
        self.actionId = actionId
        self.description = description
        self.parameters = parameters
        self.targets = targets
        self.startAfter = startAfter
    }
}

public struct ExperimentTemplateStopCondition: Codable, Sendable, Equatable {
    /// `none` or `aws:cloudwatch:alarm`.
    public var source: String
    public var value: String?
    public init(source: String, value: String? = nil) {
        self.source = source
        self.value = value
    }
}

public struct ExperimentTemplate: Codable, Sendable, Equatable {
    public var id: String
    public var description: String?
    public var targets: [String: ExperimentTemplateTarget]?
    public var actions: [String: ExperimentTemplateAction]?
    public var stopConditions: [ExperimentTemplateStopCondition]?
    public var roleArn: String?
    public var tags: [String: String]?
    public var creationTime: Double?
}

/// The pieces FIS operations share: how a REST call is addressed.
public protocol FISOperation: Sendable {
    associatedtype Response: Decodable & Sendable
    var method: String { get }
    /// Path with ids filled in and percent-encoded.
    var path: String { get }
    /// Query parameters (GET lists).
    var query: [String: String] { get }
    /// The JSON body, nil for GET/DELETE.
    func body() throws -> Data?
}

extension FISOperation {
    public var query: [String: String] { [:] }
    public func body() throws -> Data? { nil }
}

extension FISOperation where Self: Encodable {
    public func body() throws -> Data? { try JSONEncoder().encode(self) }
}

/// Percent-encodes one path segment (ids are alphanumeric, but never trust that).
func pathSegment(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

public struct CreateExperimentTemplateRequest: FISOperation, Encodable, Equatable {
    public typealias Response = ExperimentTemplateResponse
    public var method: String { "POST" }
    public var path: String { "/experimentTemplates" }
    /// Idempotency token: the same token returns the same template.
    public var clientToken: String
    public var description: String
    public var targets: [String: ExperimentTemplateTarget]
    public var actions: [String: ExperimentTemplateAction]
    public var stopConditions: [ExperimentTemplateStopCondition]
    public var roleArn: String
    public var tags: [String: String]?
    public init(clientToken: String = UUID().uuidString, description: String,
                targets: [String: ExperimentTemplateTarget], actions: [String: ExperimentTemplateAction],
                stopConditions: [ExperimentTemplateStopCondition] = [.init(source: "none")],
                roleArn: String, tags: [String: String]? = nil) {
        self.clientToken = clientToken
        self.description = description
        self.targets = targets
        self.actions = actions
        self.stopConditions = stopConditions
        self.roleArn = roleArn
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case clientToken, description, targets, actions, stopConditions, roleArn, tags }
}

public struct ExperimentTemplateResponse: Codable, Sendable, Equatable {
    public var experimentTemplate: ExperimentTemplate
}

public struct GetExperimentTemplateRequest: FISOperation, Equatable {
    public typealias Response = ExperimentTemplateResponse
    public var id: String
    public init(id: String) { self.id = id }
    public var method: String { "GET" }
    public var path: String { "/experimentTemplates/\(pathSegment(id))" }
}

public struct ListExperimentTemplatesRequest: FISOperation, Equatable {
    public typealias Response = ListExperimentTemplatesResponse
    public var nextToken: String?
    public init(nextToken: String? = nil) { self.nextToken = nextToken }
    public var method: String { "GET" }
    public var path: String { "/experimentTemplates" }
    public var query: [String: String] { nextToken.map { ["nextToken": $0] } ?? [:] }
}

public struct ExperimentTemplateSummary: Codable, Sendable, Equatable {
    public var id: String
    public var description: String?
    public var tags: [String: String]?
}

public struct ListExperimentTemplatesResponse: Codable, Sendable, Equatable {
    public var experimentTemplates: [ExperimentTemplateSummary]
    public var nextToken: String?
}

public struct StartExperimentRequest: FISOperation, Encodable, Equatable {
    public typealias Response = ExperimentResponse
    public var method: String { "POST" }
    public var path: String { "/experiments" }
    public var clientToken: String
    public var experimentTemplateId: String
    public var tags: [String: String]?
    public init(clientToken: String = UUID().uuidString, experimentTemplateId: String, tags: [String: String]? = nil) {
        self.clientToken = clientToken
        self.experimentTemplateId = experimentTemplateId
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case clientToken, experimentTemplateId, tags }
}

public struct GetExperimentRequest: FISOperation, Equatable {
    public typealias Response = ExperimentResponse
    public var id: String
    public init(id: String) { self.id = id }
    public var method: String { "GET" }
    public var path: String { "/experiments/\(pathSegment(id))" }
}

public struct StopExperimentRequest: FISOperation, Equatable {
    public typealias Response = ExperimentResponse
    public var id: String
    public init(id: String) { self.id = id }
    public var method: String { "DELETE" }
    public var path: String { "/experiments/\(pathSegment(id))" }
}

public struct ListExperimentsRequest: FISOperation, Equatable {
    public typealias Response = ListExperimentsResponse
    public var experimentTemplateId: String?
    public var nextToken: String?
    public init(experimentTemplateId: String? = nil, nextToken: String? = nil) {
        self.experimentTemplateId = experimentTemplateId
        self.nextToken = nextToken
    }
    public var method: String { "GET" }
    public var path: String { "/experiments" }
    public var query: [String: String] {
        var query: [String: String] = [:]
        query["experimentTemplateId"] = experimentTemplateId
        query["nextToken"] = nextToken
        return query
    }
}

/// `pending → initiating → running → completed | stopping → stopped | failed | cancelled`.
public enum ExperimentStatus: String, Codable, Sendable {
    case pending, initiating, running, completed, stopping, stopped, failed, cancelled

    /// The experiment will not change again.
    public var isFinal: Bool { [.completed, .stopped, .failed, .cancelled].contains(self) }
}

public struct ExperimentState: Codable, Sendable, Equatable {
    public var status: ExperimentStatus
    public var reason: String?
    public init(status: ExperimentStatus, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }
}

public struct ExperimentActionState: Codable, Sendable, Equatable {
    public var status: String?
    public var reason: String?
}

public struct ExperimentAction: Codable, Sendable, Equatable {
    public var actionId: String?
    public var parameters: [String: String]?
    public var targets: [String: String]?
    public var state: ExperimentActionState?
}

public struct Experiment: Codable, Sendable, Equatable {
    public var id: String
    public var experimentTemplateId: String?
    public var roleArn: String?
    public var state: ExperimentState
    public var targets: [String: ExperimentTemplateTarget]?
    public var actions: [String: ExperimentAction]?
    public var creationTime: Double?
    public var startTime: Double?
    public var endTime: Double?
    public var tags: [String: String]?
}

public struct ExperimentResponse: Codable, Sendable, Equatable {
    public var experiment: Experiment
}

public struct ExperimentSummary: Codable, Sendable, Equatable {
    public var id: String
    public var experimentTemplateId: String?
    public var state: ExperimentState?
    public var creationTime: Double?
    public var tags: [String: String]?
}

public struct ListExperimentsResponse: Codable, Sendable, Equatable {
    public var experiments: [ExperimentSummary]
    public var nextToken: String?
}
