import Foundation

// Request and response shapes of the AWS Batch calls blendbatch makes (REST-JSON, API 2016-08-10).
// Property names are the wire names; optional members are left out of the JSON when nil.

/// One AWS Batch operation: its request is POSTed as JSON to `path`.
public protocol BatchOperation: Encodable, Sendable {
    associatedtype Response: Decodable & Sendable
    static var path: String { get }
}

/// An answer with no members (TerminateJob, CancelJob).
public struct EmptyResponse: Codable, Sendable, Equatable {
    public init() {}
}

/// `{name, value}`: environment variables.
public struct KeyValuePair: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// `{type: VCPU|MEMORY|GPU, value}`.
public struct ResourceRequirement: Codable, Sendable, Equatable {
    public var type: String
    public var value: String
    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }
    public static func vcpus(_ count: Int) -> ResourceRequirement { .init(type: "VCPU", value: String(count)) }
    public static func memory(mebibytes: Int) -> ResourceRequirement { .init(type: "MEMORY", value: String(mebibytes)) }
    public static func gpus(_ count: Int) -> ResourceRequirement { .init(type: "GPU", value: String(count)) }
}

/// What Batch does when an attempt ends in a way an `EvaluateOnExit` entry matches.
public enum RetryAction: String, Codable, Sendable {
    case retry = "RETRY"
    case exit = "EXIT"

    /// Accepts any case: some implementations echo `retry`/`exit` in lower case.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let action = RetryAction(rawValue: text.uppercased()) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown retry action \(text)"))
        }
        self = action
    }
}

/// One condition of a retry strategy; the given fields are ANDed, each may end in `*`.
public struct EvaluateOnExit: Codable, Sendable, Equatable {
    public var onStatusReason: String?
    public var onReason: String?
    public var onExitCode: String?
    public var action: RetryAction
    public init(onStatusReason: String? = nil, onReason: String? = nil, onExitCode: String? = nil, action: RetryAction) {
        self.onStatusReason = onStatusReason
        self.onReason = onReason
        self.onExitCode = onExitCode
        self.action = action
    }
}

public struct RetryStrategy: Codable, Sendable, Equatable {
    /// 1...10 attempts in all.
    public var attempts: Int?
    /// Up to 5 entries, first match wins; when none matches Batch retries.
    public var evaluateOnExit: [EvaluateOnExit]?
    public init(attempts: Int? = nil, evaluateOnExit: [EvaluateOnExit]? = nil) {
        self.attempts = attempts
        self.evaluateOnExit = evaluateOnExit
    }
}

public struct JobTimeout: Codable, Sendable, Equatable {
    public var attemptDurationSeconds: Int?
    public init(attemptDurationSeconds: Int?) { self.attemptDurationSeconds = attemptDurationSeconds }
}

public struct ContainerProperties: Codable, Sendable, Equatable {
    public var image: String?
    public var command: [String]?
    public var jobRoleArn: String?
    public var executionRoleArn: String?
    public var environment: [KeyValuePair]?
    public var resourceRequirements: [ResourceRequirement]?
    public init(image: String?, command: [String]? = nil, jobRoleArn: String? = nil, executionRoleArn: String? = nil,
                environment: [KeyValuePair]? = nil, resourceRequirements: [ResourceRequirement]? = nil) {
        self.image = image
        self.command = command
        self.jobRoleArn = jobRoleArn
        self.executionRoleArn = executionRoleArn
        self.environment = environment
        self.resourceRequirements = resourceRequirements
    }
}

// MARK: RegisterJobDefinition / DescribeJobDefinitions

public struct RegisterJobDefinitionRequest: BatchOperation, Equatable {
    public static let path = "/v1/registerjobdefinition"
    public typealias Response = RegisterJobDefinitionResponse
    public var jobDefinitionName: String
    public var type: String = "container"
    public var containerProperties: ContainerProperties
    public var retryStrategy: RetryStrategy?
    public var timeout: JobTimeout?
    public var platformCapabilities: [String]?
    public var propagateTags: Bool?
    public var tags: [String: String]?
    public init(jobDefinitionName: String, containerProperties: ContainerProperties, retryStrategy: RetryStrategy? = nil,
                timeout: JobTimeout? = nil, platformCapabilities: [String]? = ["EC2"], propagateTags: Bool? = nil,
                tags: [String: String]? = nil) {
        self.jobDefinitionName = jobDefinitionName
        self.containerProperties = containerProperties
        self.retryStrategy = retryStrategy
        self.timeout = timeout
        self.platformCapabilities = platformCapabilities
        self.propagateTags = propagateTags
        self.tags = tags
    }
}

public struct RegisterJobDefinitionResponse: Codable, Sendable, Equatable {
    public var jobDefinitionName: String
    public var jobDefinitionArn: String
    public var revision: Int
}

public struct DescribeJobDefinitionsRequest: BatchOperation, Equatable {
    public static let path = "/v1/describejobdefinitions"
    public typealias Response = DescribeJobDefinitionsResponse
    /// Names (`name`, `name:revision`) or ARNs.
    public var jobDefinitions: [String]?
    public var jobDefinitionName: String?
    /// `ACTIVE` or `INACTIVE`.
    public var status: String?
    public var maxResults: Int?
    public var nextToken: String?
    public init(jobDefinitions: [String]? = nil, jobDefinitionName: String? = nil, status: String? = "ACTIVE",
                maxResults: Int? = nil, nextToken: String? = nil) {
        self.jobDefinitions = jobDefinitions
        self.jobDefinitionName = jobDefinitionName
        self.status = status
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct DescribeJobDefinitionsResponse: Codable, Sendable, Equatable {
    public var jobDefinitions: [JobDefinition]
    public var nextToken: String?
}

public struct JobDefinition: Codable, Sendable, Equatable {
    public var jobDefinitionName: String
    public var jobDefinitionArn: String
    public var revision: Int
    public var status: String?
    public var type: String?
    public var containerProperties: ContainerProperties?
    public var retryStrategy: RetryStrategy?
    public var timeout: JobTimeout?
    public var tags: [String: String]?
}

// MARK: SubmitJob

public struct ArrayProperties: Codable, Sendable, Equatable {
    /// 2...10,000 children, indexed from 0.
    public var size: Int
    public init(size: Int) { self.size = size }
}

public struct JobDependency: Codable, Sendable, Equatable {
    public var jobId: String
    /// `N_TO_N` or `SEQUENTIAL` (array jobs only); nil = wait for the whole job.
    public var type: String?
    public init(jobId: String, type: String? = nil) {
        self.jobId = jobId
        self.type = type
    }
}

public struct ContainerOverrides: Codable, Sendable, Equatable {
    public var command: [String]?
    public var environment: [KeyValuePair]?
    public var resourceRequirements: [ResourceRequirement]?
    public init(command: [String]? = nil, environment: [KeyValuePair]? = nil, resourceRequirements: [ResourceRequirement]? = nil) {
        self.command = command
        self.environment = environment
        self.resourceRequirements = resourceRequirements
    }
}

/// SubmitJob. No share identifier is sent (fair-share scheduling is not used).
public struct SubmitJobRequest: BatchOperation, Equatable {
    public static let path = "/v1/submitjob"
    public typealias Response = SubmitJobResponse
    public var jobName: String
    public var jobQueue: String
    public var jobDefinition: String
    public var arrayProperties: ArrayProperties?
    public var dependsOn: [JobDependency]?
    public var parameters: [String: String]?
    public var containerOverrides: ContainerOverrides?
    public var retryStrategy: RetryStrategy?
    public var timeout: JobTimeout?
    public var propagateTags: Bool?
    public var tags: [String: String]?
    public init(jobName: String, jobQueue: String, jobDefinition: String, arrayProperties: ArrayProperties? = nil,
                dependsOn: [JobDependency]? = nil, parameters: [String: String]? = nil,
                containerOverrides: ContainerOverrides? = nil, retryStrategy: RetryStrategy? = nil,
                timeout: JobTimeout? = nil, propagateTags: Bool? = nil, tags: [String: String]? = nil) {
        self.jobName = jobName
        self.jobQueue = jobQueue
        self.jobDefinition = jobDefinition
        self.arrayProperties = arrayProperties
        self.dependsOn = dependsOn
        self.parameters = parameters
        self.containerOverrides = containerOverrides
        self.retryStrategy = retryStrategy
        self.timeout = timeout
        self.propagateTags = propagateTags
        self.tags = tags
    }
}

public struct SubmitJobResponse: Codable, Sendable, Equatable {
    public var jobArn: String?
    public var jobName: String
    public var jobId: String
}

// MARK: DescribeJobs / ListJobs

public enum BatchJobStatus: String, Codable, Sendable, CaseIterable {
    case submitted = "SUBMITTED", pending = "PENDING", runnable = "RUNNABLE", starting = "STARTING"
    case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED"

    /// SUCCEEDED or FAILED: the job will not change again.
    public var isFinal: Bool { self == .succeeded || self == .failed }
}

/// At most 100 ids per call; `BatchClient.describeJobs` splits longer lists.
public struct DescribeJobsRequest: BatchOperation, Equatable {
    public static let path = "/v1/describejobs"
    public typealias Response = DescribeJobsResponse
    public static let maxJobs = 100
    public var jobs: [String]
    public init(jobs: [String]) { self.jobs = jobs }
}

public struct DescribeJobsResponse: Codable, Sendable, Equatable {
    public var jobs: [JobDetail]
}

public struct ArrayPropertiesDetail: Codable, Sendable, Equatable {
    /// Children per status (array parents only).
    public var statusSummary: [String: Int]?
    public var size: Int?
    /// The child's index (array children only).
    public var index: Int?
}

public struct ContainerDetail: Codable, Sendable, Equatable {
    public var image: String?
    public var command: [String]?
    public var environment: [KeyValuePair]?
    public var exitCode: Int?
    public var reason: String?
    public var logStreamName: String?
}

public struct AttemptContainerDetail: Codable, Sendable, Equatable {
    public var exitCode: Int?
    public var reason: String?
    public var logStreamName: String?
}

public struct AttemptDetail: Codable, Sendable, Equatable {
    public var container: AttemptContainerDetail?
    public var startedAt: Int64?
    public var stoppedAt: Int64?
    public var statusReason: String?
}

public struct JobDetail: Codable, Sendable, Equatable {
    public var jobArn: String?
    public var jobName: String
    public var jobId: String
    public var jobQueue: String
    public var status: BatchJobStatus
    public var statusReason: String?
    public var attempts: [AttemptDetail]?
    /// Milliseconds since 1970.
    public var createdAt: Int64?
    public var startedAt: Int64?
    public var stoppedAt: Int64?
    public var dependsOn: [JobDependency]?
    public var jobDefinition: String
    public var parameters: [String: String]?
    public var container: ContainerDetail?
    public var arrayProperties: ArrayPropertiesDetail?
    public var retryStrategy: RetryStrategy?
    public var timeout: JobTimeout?
    public var tags: [String: String]?

    /// The value of environment variable `name` in the job's container, if set.
    public func environment(_ name: String) -> String? {
        container?.environment?.first { $0.name == name }?.value
    }
}

public struct KeyValuesPair: Codable, Sendable, Equatable {
    public var name: String
    public var values: [String]
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

public struct ListJobsRequest: BatchOperation, Equatable {
    public static let path = "/v1/listjobs"
    public typealias Response = ListJobsResponse
    public var jobQueue: String?
    public var arrayJobId: String?
    public var jobStatus: BatchJobStatus?
    public var filters: [KeyValuesPair]?
    public var maxResults: Int?
    public var nextToken: String?
    public init(jobQueue: String? = nil, arrayJobId: String? = nil, jobStatus: BatchJobStatus? = nil,
                filters: [KeyValuesPair]? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.jobQueue = jobQueue
        self.arrayJobId = arrayJobId
        self.jobStatus = jobStatus
        self.filters = filters
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ContainerSummary: Codable, Sendable, Equatable {
    public var exitCode: Int?
    public var reason: String?
}

public struct ArrayPropertiesSummary: Codable, Sendable, Equatable {
    public var size: Int?
    public var index: Int?
}

public struct JobSummary: Codable, Sendable, Equatable {
    public var jobArn: String?
    public var jobId: String
    public var jobName: String
    public var createdAt: Int64?
    public var status: BatchJobStatus?
    public var statusReason: String?
    public var startedAt: Int64?
    public var stoppedAt: Int64?
    public var container: ContainerSummary?
    public var arrayProperties: ArrayPropertiesSummary?

    /// The array index of a child job: `arrayProperties.index`, else the `:<n>` suffix of its id.
    public var arrayIndex: Int? {
        if let index = arrayProperties?.index { return index }
        guard let colon = jobId.lastIndex(of: ":") else { return nil }
        return Int(jobId[jobId.index(after: colon)...])
    }
}

public struct ListJobsResponse: Codable, Sendable, Equatable {
    public var jobSummaryList: [JobSummary]
    public var nextToken: String?
}

// MARK: TerminateJob / CancelJob

/// Stops a job in any state (RUNNING ones too); not retried.
public struct TerminateJobRequest: BatchOperation, Equatable {
    public static let path = "/v1/terminatejob"
    public typealias Response = EmptyResponse
    public var jobId: String
    public var reason: String
    public init(jobId: String, reason: String) {
        self.jobId = jobId
        self.reason = reason
    }
}

/// Cancels a job that has not started (SUBMITTED, PENDING, RUNNABLE).
public struct CancelJobRequest: BatchOperation, Equatable {
    public static let path = "/v1/canceljob"
    public typealias Response = EmptyResponse
    public var jobId: String
    public var reason: String
    public init(jobId: String, reason: String) {
        self.jobId = jobId
        self.reason = reason
    }
}

// MARK: DescribeJobQueues / DescribeComputeEnvironments

public struct DescribeJobQueuesRequest: BatchOperation, Equatable {
    public static let path = "/v1/describejobqueues"
    public typealias Response = DescribeJobQueuesResponse
    public var jobQueues: [String]?
    public var maxResults: Int?
    public var nextToken: String?
    public init(jobQueues: [String]? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.jobQueues = jobQueues
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ComputeEnvironmentOrder: Codable, Sendable, Equatable {
    public var order: Int
    public var computeEnvironment: String
}

public struct JobQueueDetail: Codable, Sendable, Equatable {
    public var jobQueueName: String
    public var jobQueueArn: String
    /// ENABLED or DISABLED.
    public var state: String?
    /// VALID, INVALID, CREATING, …
    public var status: String?
    public var statusReason: String?
    public var priority: Int?
    public var computeEnvironmentOrder: [ComputeEnvironmentOrder]
    public var tags: [String: String]?
}

public struct DescribeJobQueuesResponse: Codable, Sendable, Equatable {
    public var jobQueues: [JobQueueDetail]
    public var nextToken: String?
}

public struct DescribeComputeEnvironmentsRequest: BatchOperation, Equatable {
    public static let path = "/v1/describecomputeenvironments"
    public typealias Response = DescribeComputeEnvironmentsResponse
    public var computeEnvironments: [String]?
    public var maxResults: Int?
    public var nextToken: String?
    public init(computeEnvironments: [String]? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.computeEnvironments = computeEnvironments
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ComputeResource: Codable, Sendable, Equatable {
    /// EC2, SPOT, FARGATE, FARGATE_SPOT.
    public var type: String
    public var allocationStrategy: String?
    public var minvCpus: Int?
    public var maxvCpus: Int?
    public var desiredvCpus: Int?
    public var instanceTypes: [String]?
    public var subnets: [String]?
    public var securityGroupIds: [String]?
    public var instanceRole: String?
    /// Tags Batch puts on the instances it launches (FIS targets them).
    public var tags: [String: String]?
}

public struct ComputeEnvironmentDetail: Codable, Sendable, Equatable {
    public var computeEnvironmentName: String
    public var computeEnvironmentArn: String
    public var type: String?
    public var state: String?
    public var status: String?
    public var statusReason: String?
    public var computeResources: ComputeResource?
    public var serviceRole: String?
    public var tags: [String: String]?
}

extension ComputeEnvironmentDetail {
    /// True when it launches NVIDIA GPU instances: an instance family or type of the g or p series
    /// (g4dn, g5, g6, g6e, gr6, p4d, p5 …).
    public var launchesGPUs: Bool {
        (computeResources?.instanceTypes ?? []).contains { type in
            let family = type.prefix { $0 != "." }
            let letters = family.prefix { $0.isLetter }
            return ["g", "gr", "p"].contains(letters) && family.dropFirst(letters.count).first?.isNumber == true
        }
    }
}

public struct DescribeComputeEnvironmentsResponse: Codable, Sendable, Equatable {
    public var computeEnvironments: [ComputeEnvironmentDetail]
    public var nextToken: String?
}
