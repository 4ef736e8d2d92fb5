import AWSCore
import Foundation

/// The AWS Batch calls blendbatch makes, on the shared signed client.
public struct BatchClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// Send one operation: POST its JSON to its path, decode the answer.
    public func send<Operation: BatchOperation>(_ operation: Operation) async throws -> Operation.Response {
        try await client.restJSON(.batch, method: "POST", path: Operation.path, body: operation, as: Operation.Response.self)
    }

    public func registerJobDefinition(_ request: RegisterJobDefinitionRequest) async throws -> RegisterJobDefinitionResponse {
        try await send(request)
    }

    public func submitJob(_ request: SubmitJobRequest) async throws -> SubmitJobResponse {
        try await send(request)
    }

    /// The ACTIVE job definition `reference` names: `name` (latest revision), `name:revision` or an ARN.
    /// Nil when there is none.
    public func jobDefinition(_ reference: String) async throws -> JobDefinition? {
        if reference.hasPrefix("arn:") {
            return try await jobDefinitions(DescribeJobDefinitionsRequest(jobDefinitions: [reference], status: nil)).first
        }
        // `name:revision`: asked by name (not every implementation takes `name:revision` in `jobDefinitions`).
        let parts = reference.split(separator: ":", maxSplits: 1)
        let name = String(parts[0])
        let revision = parts.count == 2 ? Int(parts[1]) : nil
        if parts.count == 2 && revision == nil { return nil }
        let active = try await jobDefinitions(DescribeJobDefinitionsRequest(jobDefinitionName: name, status: "ACTIVE"))
            .filter { $0.jobDefinitionName == name && ($0.status == nil || $0.status == "ACTIVE") }
        if let revision { return active.first { $0.revision == revision } }
        return active.max { $0.revision < $1.revision }
    }

    /// The newest ACTIVE revision of each job definition named `family` or `family-…` (the stack's
    /// `blendbatch-worker`, `blendbatch-worker-gpu`, `blendbatch-worker-blender-5-0`), by name.
    public func latestJobDefinitions(family: String) async throws -> [JobDefinition] {
        let members = try await jobDefinitions(DescribeJobDefinitionsRequest(status: "ACTIVE")).filter {
            ($0.status == nil || $0.status == "ACTIVE")
                && ($0.jobDefinitionName == family || $0.jobDefinitionName.hasPrefix(family + "-"))
        }
        return Dictionary(grouping: members, by: \.jobDefinitionName).values
            .compactMap { revisions in revisions.max { $0.revision < $1.revision } }
            .sorted { $0.jobDefinitionName < $1.jobDefinitionName }
    }

    /// Every job definition `request` selects, all pages.
    public func jobDefinitions(_ request: DescribeJobDefinitionsRequest) async throws -> [JobDefinition] {
        try await allPages(request, items: \.jobDefinitions) { try await send($0) }
    }

    /// Details of any number of jobs (DescribeJobs takes 100 at a time), in the order asked.
    /// Ids Batch does not know are left out.
    public func describeJobs(_ ids: [String]) async throws -> [JobDetail] {
        var details: [JobDetail] = []
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + DescribeJobsRequest.maxJobs, ids.count)])
            details += try await send(DescribeJobsRequest(jobs: batch)).jobs
            start += batch.count
        }
        let order = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return details.sorted { (order[$0.jobId] ?? .max) < (order[$1.jobId] ?? .max) }
    }

    /// One job's details, nil when Batch does not know it.
    public func describeJob(_ id: String) async throws -> JobDetail? {
        try await describeJobs([id]).first
    }

    /// Every job summary `request` selects, all pages.
    public func listJobs(_ request: ListJobsRequest) async throws -> [JobSummary] {
        try await allPages(request, items: \.jobSummaryList) { try await send($0) }
    }

    /// The children of array job `arrayJobId`, optionally only those in `status`.
    public func arrayChildren(of arrayJobId: String, status: BatchJobStatus? = nil) async throws -> [JobSummary] {
        try await listJobs(ListJobsRequest(arrayJobId: arrayJobId, jobStatus: status))
    }

    /// Stop a job in any state; running containers are stopped. Array parents take their children along.
    public func terminateJob(_ id: String, reason: String) async throws {
        _ = try await send(TerminateJobRequest(jobId: id, reason: reason))
    }

    /// Cancel a job that has not started yet.
    public func cancelJob(_ id: String, reason: String) async throws {
        _ = try await send(CancelJobRequest(jobId: id, reason: reason))
    }

    /// The queue `nameOrArn` names, nil when there is none.
    public func jobQueue(_ nameOrArn: String) async throws -> JobQueueDetail? {
        try await send(DescribeJobQueuesRequest(jobQueues: [nameOrArn])).jobQueues.first
    }

    /// Compute environments by name or ARN (all of them when `names` is nil), all pages.
    public func computeEnvironments(_ names: [String]? = nil) async throws -> [ComputeEnvironmentDetail] {
        try await allPages(DescribeComputeEnvironmentsRequest(computeEnvironments: names), items: \.computeEnvironments) { try await send($0) }
    }
}
