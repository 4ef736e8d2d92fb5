import AWSCore
import AWSServices
import Chaos
import Executors
import Foundation
import LuaKit

/// The AWS side of `fis.spot_interruption{ job = ID, count = N | percent = P, notice = "PT2M" }`:
/// a real AWS FIS experiment against the Spot instances running an AWS Batch job.
final class FISExperimentObject: LuaObject, @unchecked Sendable {
    // Sendable: the handle is immutable and itself Sendable.
    static let luaTypeName = "blendbatch.FISExperiment"
    let handle: FISExperimentHandle

    init(handle: FISExperimentHandle) { self.handle = handle }

    var luaDescription: String { "blendbatch.FISExperiment \(handle.id)" }

    static func luaMembers(_ m: LuaMembers<FISExperimentObject>) {
        m.property("id", doc: "experiment.id -> string (the FIS experiment id)") { .string($0.handle.id) }
        m.property("template", doc: "experiment.template -> string (the FIS experiment template id)") { .string($0.handle.templateId) }
        m.method("state", doc: "experiment:state() -> status, reason\npending, initiating, running, completed, stopping, stopped, failed") { x, args in
            let state = try args.wait { try await x.handle.state() }
            return .values([.string(state.status.rawValue), state.reason.map(LuaValue.string) ?? .nil])
        }
        m.method("wait", doc: "experiment:wait() -> status, reason\nWait until the experiment ends.") { x, args in
            let state = try args.wait { try await x.handle.wait() }
            return .values([.string(state.status.rawValue), state.reason.map(LuaValue.string) ?? .nil])
        }
        m.method("stop", doc: "experiment:stop() -> status\nAsk FIS to stop the experiment.") { x, args in
            .value(LuaValue.string(try args.wait { try await x.handle.stop() }.status.rawValue))
        }
    }

    /// `userInfo` keys of a Lua state that replace the process's AWS settings (tests, embedding hosts):
    /// an `AWSEnvironment`, and the folder of the AWS job index.
    static let environmentKey = "aws.environment"
    static let jobIndexKey = "aws.jobIndex"

    /// The AWS settings and job index a Lua call uses: its state's `userInfo` ones, else the process's.
    static func awsContext(_ args: LuaArgs) -> (environment: AWSEnvironment, index: AWSJobIndex) {
        let context = args.owner?.userInfo ?? [:]
        return (context[environmentKey] as? AWSEnvironment ?? .process,
                (context[jobIndexKey] as? String).map { AWSJobIndex(folder: $0) } ?? .default)
    }

    /// Start the experiment when `options.job` names an AWS job (its blendbatch id or Batch id);
    /// nil when it does not, so the caller falls back to local chaos.
    static func startIfAWS(_ options: [String: LuaValue], _ args: LuaArgs) throws -> FISExperimentObject? {
        let (environment, index) = awsContext(args)
        guard let job = options["job"]?.stringValue ?? options["job"]?.tableValue?["id"]?.stringValue,
              let record = index.record(job) else { return nil }
        try Capabilities.of(args).requireJob(job, args)
        if options["count"] != nil && options["percent"] != nil { throw args.error(1, "give count or percent, not both") }
        let selection: SpotSelection = options["percent"]?.intValue.map { .percent($0) } ?? .count(options["count"]?.intValue ?? 1)
        let notice = options["notice"]?.stringValue ?? "PT2M"
        let role = options["role_arn"]?.stringValue
        let handle = try args.wait {
            let client = AWSClient(configuration: .resolve(environment: environment))
            return try await FISSpotInterruption(batch: BatchClient(client: client), fis: FISClient(client: client))
                .start(queue: record.queue, selection: selection, notice: notice, roleArn: role, jobId: record.id)
        }
        return FISExperimentObject(handle: handle)
    }
}
