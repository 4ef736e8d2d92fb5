import AWSCore
import AWSServices
import Executors
import Foundation

/// Spot interruptions on AWS through FIS: find the Spot instances of a job's queue by the tags its
/// compute environments put on them, create (or reuse) the experiment template, start it.
public struct FISSpotInterruption: Sendable {
    public let batch: BatchClient
    public let fis: FISClient

    public init(batch: BatchClient, fis: FISClient) {
        self.batch = batch
        self.fis = fis
    }

    /// The Spot compute environment behind `queue` and the tags it puts on its instances.
    public func fleet(queue: String) async throws -> (environment: String, tags: [String: String]) {
        guard let detail = try await batch.jobQueue(queue) else { throw AWSBatchError.unknownQueue(queue) }
        let names = detail.computeEnvironmentOrder.sorted { $0.order < $1.order }.map(\.computeEnvironment)
        let environments = try await batch.computeEnvironments(names)
        guard let spot = environments.first(where: { $0.computeResources?.type == "SPOT" }) else {
            throw FISSpotInterruptionError.noSpotEnvironment(queue: detail.jobQueueName)
        }
        let tags = spot.computeResources?.tags ?? [:]
        // Prefer the stack's fleet tag alone: `Name` differs between environments of one fleet.
        if let fleet = tags["blendbatch:fleet"] { return (spot.computeEnvironmentName, ["blendbatch:fleet": fleet]) }
        guard !tags.isEmpty else { throw SpotInterruptionError.noTags(computeEnvironment: spot.computeEnvironmentName) }
        return (spot.computeEnvironmentName, tags)
    }

    /// Start an experiment interrupting `selection` of the Spot instances serving `queue`.
    /// An existing template with the same target, selection and notice is reused; a new one needs
    /// `roleArn`, else the role of any template targeting the same fleet is used.
    public func start(queue: String, selection: SpotSelection, notice: String, roleArn: String?,
                      jobId: String? = nil) async throws -> FISExperimentHandle {
        let fleet = try await fleet(queue: queue)
        var knownRole: String?
        var reuse: ExperimentTemplate?
        for summary in try await fis.experimentTemplates() {
            let template = try await fis.experimentTemplate(id: summary.id)
            guard let target = template.targets?.values.first(where: {
                      $0.resourceType == "aws:ec2:spot-instance" && $0.resourceTags == fleet.tags }),
                  let action = template.actions?.values.first(where: { $0.actionId == spotInterruptionActionId })
            else { continue }
            knownRole = knownRole ?? template.roleArn
            if target.selectionMode == selection.selectionMode, action.parameters?["durationBeforeInterruption"] == notice,
               roleArn == nil || template.roleArn == roleArn {
                reuse = template
                break
            }
        }
        let templateId: String
        if let reuse {
            templateId = reuse.id
        } else {
            guard let role = roleArn ?? knownRole else { throw FISSpotInterruptionError.noRole(environment: fleet.environment) }
            let template = try SpotInterruptionTemplate(fleetTags: fleet.tags, selection: selection, notice: notice, roleArn: role)
            templateId = try await fis.createExperimentTemplate(template.request()).id
        }
        let experiment = try await fis.startExperiment(templateId: templateId, tags: jobId.map { ["blendbatch:job": $0] })
        return FISExperimentHandle(id: experiment.id, templateId: templateId, fis: fis)
    }
}

/// A running FIS experiment.
public struct FISExperimentHandle: Sendable {
    public let id: String
    public let templateId: String
    public let fis: FISClient

    public init(id: String, templateId: String, fis: FISClient) {
        self.id = id
        self.templateId = templateId
        self.fis = fis
    }

    public func state() async throws -> ExperimentState {
        try await fis.experiment(id: id).state
    }

    /// Poll until the experiment ends (completed, stopped, failed or cancelled); `onChange` sees each new status.
    public func wait(pollInterval: Double = 5, onChange: @Sendable (ExperimentState) -> Void = { _ in }) async throws -> ExperimentState {
        var last: ExperimentStatus?
        while true {
            let state = try await state()
            if state.status != last { onChange(state); last = state.status }
            if state.status.isFinal { return state }
            try await Task.sleep(for: .seconds(pollInterval))
        }
    }

    public func stop() async throws -> ExperimentState {
        try await fis.stopExperiment(id: id).state
    }
}

public enum FISSpotInterruptionError: Error, CustomStringConvertible {
    case noSpotEnvironment(queue: String)
    case noRole(environment: String)

    public var description: String {
        switch self {
        case .noSpotEnvironment(let queue):
            return "job queue \(queue) has no SPOT compute environment, so there is nothing for a Spot interruption to hit"
        case .noRole(let environment):
            return "no FIS experiment template targets compute environment \(environment)'s instances yet, so blendbatch needs a role "
                + "for a new one: pass --role-arn (the stack's FisRoleArn output)"
        }
    }
}
