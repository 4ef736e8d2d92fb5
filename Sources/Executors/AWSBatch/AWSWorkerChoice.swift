import AWSServices
import BlendFile
import Foundation
import Render
import RenderPlan

/// Where a render runs on AWS Batch: a queue with the instances its device needs and a worker job
/// definition whose Blender can open the file — the version gate of `render --backend aws`, checked
/// before anything is uploaded.
///
/// `--job-definition NAME` (default `blendbatch-worker`) names a family: NAME and every NAME-… (the
/// stack's `NAME-gpu`, build-image's `NAME-blender-5-0`), the newest ACTIVE revision of each. Of those
/// with a GPU for `cuda`/`optix` (without one otherwise), NAME itself is taken when its Blender can open
/// the file, else the lowest release that can. `NAME:REV` or an ARN names one definition: taken or refused.
public struct AWSWorkerChoice: Sendable {
    public var queue: JobQueueDetail
    public var definition: JobDefinition
    /// What the submission should tell: the GPU queue taken, a Blender that is unknown or older.
    public var notices: [String]

    /// Devices that render on the GPU queue; `cpu` (or none) stays on the CPU queue.
    public static let gpuDevices: Set<String> = ["cuda", "optix"]

    /// The Blender release that saved the file, and its name for messages.
    public struct File: Sendable, Equatable {
        public var name: String
        public var savedBy: BlenderVersion
        public init(name: String, savedBy: BlenderVersion) {
            self.name = name
            self.savedBy = savedBy
        }

        /// The local .blend at `path`, or the library it links (found here) that a newer Blender saved:
        /// the Blender that renders must open both. Nil when the .blend cannot be read.
        public static func read(blend path: String) -> File? {
            let name = (path as NSString).lastPathComponent
            guard let (newest, version) = BlenderGate.savedBy(path).first else { return nil }
            if newest == path { return File(name: name, savedBy: version) }
            return File(name: "\((newest as NSString).lastPathComponent) (linked by \(name))", savedBy: version)
        }
    }

    /// Choose on Batch: `queue` and `jobDefinition` as the user named them, the Cycles `device`
    /// (nil = CPU), the `file` to open (nil = not checked).
    public static func resolve(batch: BatchClient, queue: JobQueueDetail, jobDefinition: String, device: String?,
                               file: File?, allowOlderBlender: Bool) async throws -> AWSWorkerChoice {
        let device = device?.lowercased()
        if let device, device != "cpu", !gpuDevices.contains(device) { throw AWSBatchError.deviceNotOnAWS(device) }
        let gpu = device.map { gpuDevices.contains($0) } ?? false
        var chosenQueue = queue
        if gpu { chosenQueue = try await gpuQueue(batch: batch, named: queue, device: device ?? "") }
        let exact = jobDefinition.hasPrefix("arn:") || jobDefinition.contains(":")
        let candidates: [JobDefinition]
        if exact {
            candidates = try await batch.jobDefinition(jobDefinition).map { [$0] } ?? []
        } else {
            candidates = try await batch.latestJobDefinitions(family: jobDefinition)
        }
        guard !candidates.isEmpty else { throw AWSBatchError.unknownJobDefinition(jobDefinition) }
        let (definition, said) = try pick(named: exact ? nil : jobDefinition, among: candidates, gpu: gpu, device: device,
                                          file: file, allowOlderBlender: allowOlderBlender)
        let blender = definition.blenderVersion.map { "Blender \($0)" } ?? "Blender unknown"
        let gpus = definition.gpus > 0 ? ", \(definition.gpus) GPU" : ""
        return AWSWorkerChoice(queue: chosenQueue, definition: definition,
                               notices: said + ["job definition \(definition.reference) (\(blender)\(gpus)), queue \(chosenQueue.jobQueueName)"])
    }

    /// The queue a GPU render goes to: `queue` when its compute environments launch GPU instances,
    /// else the stack's `<queue>-gpu` when it does.
    static func gpuQueue(batch: BatchClient, named queue: JobQueueDetail, device: String) async throws -> JobQueueDetail {
        func launchesGPUs(_ queue: JobQueueDetail) async throws -> Bool {
            try await batch.computeEnvironments(queue.computeEnvironmentOrder.map(\.computeEnvironment)).contains(where: \.launchesGPUs)
        }
        if try await launchesGPUs(queue) { return queue }
        if let sibling = try await batch.jobQueue(queue.jobQueueName + "-gpu"), sibling.state != "DISABLED",
           try await launchesGPUs(sibling) {
            return sibling
        }
        throw AWSBatchError.noGPUQueue(queue.jobQueueName, device: device)
    }

    /// The definition to run from `candidates` (see the type's comment), with what to tell about it.
    static func pick(named family: String?, among candidates: [JobDefinition], gpu: Bool, device: String?, file: File?,
                     allowOlderBlender: Bool) throws -> (JobDefinition, [String]) {
        let fitting = candidates.filter { ($0.gpus > 0) == gpu }
        // A CPU render may run on a GPU definition when there is no other; a GPU render needs a GPU.
        let pool = fitting.isEmpty && !gpu ? candidates : fitting
        guard let first = pool.first else {
            throw AWSBatchError.noGPUDefinition(family ?? candidates[0].reference, device: device ?? "")
        }
        guard let file else { return (pool.first { $0.jobDefinitionName == family } ?? first, []) }

        let known = pool.compactMap { definition in
            definition.blenderVersion.flatMap(BlenderVersion.init(parsing:)).map { (definition, $0) }
        }
        func named(_ list: [(JobDefinition, BlenderVersion)]) -> (JobDefinition, BlenderVersion)? {
            list.first { $0.0.jobDefinitionName == family }
        }
        let compatible = known.filter { BlenderCompatibility(file: file.savedBy, renderer: $0.1) == .compatible }
        if let match = named(compatible) ?? compatible.min(by: { $0.1 < $1.1 }) { return (match.0, []) }

        let newest = known.max { $0.1 < $1.1 }
        if let newest, case .newerMinor = BlenderCompatibility(file: file.savedBy, renderer: newest.1) {
            return (newest.0, ["\(file.name) was saved by Blender \(file.savedBy); job definition \(newest.0.reference) has "
                               + "Blender \(newest.1), which usually opens a newer minor's file with warnings"])
        }
        let unknown = pool.filter { $0.blenderVersion.flatMap(BlenderVersion.init(parsing:)) == nil }
        if let definition = unknown.first(where: { $0.jobDefinitionName == family }) ?? unknown.first {
            return (definition, ["job definition \(definition.reference) records no Blender version (tag \(JobDefinition.blenderVersionTag)): "
                                 + "cannot check that it opens \(file.name) (Blender \(file.savedBy))"])
        }
        guard let newest else { return (first, []) }
        guard allowOlderBlender else {
            throw AWSBatchError.blenderTooOld(file: file.name, savedBy: file.savedBy, definition: newest.0.reference, has: newest.1)
        }
        return (newest.0, ["--allow-older-blender: \(file.name) was saved by Blender \(file.savedBy); "
                           + "job definition \(newest.0.reference) has Blender \(newest.1)"])
    }
}
