import AWSCore
import RenderPlan

/// A scheduler a render can be handed to (AWS Batch, Slurm): its jobs run on without this process,
/// and any process finds them again from their id. The CLI (`render --backend NAME`, `status`,
/// `cancel`, `resume`, `report`) and Lua (`render.submit{backend=NAME}`) reach every scheduler
/// through this protocol and ``Backends``, never by name.
public protocol SchedulerBackend {
    /// As `--backend` and `render.submit{backend=}` name it.
    static var name: String { get }
    /// As people name it: "rendering on Slurm".
    static var label: String { get }
    /// Its own options (`--partition`, `queue=`), declared once.
    static var fields: [FieldSpec] { get }
    /// Request fields it cannot take, and what to do instead.
    static var refused: [String: String] { get }
    /// Plan `request` for it and submit the job with its own `options`; with `after`, the job starts
    /// once those jobs (of this backend) succeeded.
    static func submit(_ request: RenderRequest, options: [String: RequestValue], after: [any DetachedJob],
                       context: BackendContext) async throws(RenderRequest.Problem) -> any DetachedJob
    /// The job that `id` (or the job folder `folder`) names, when its record is this backend's.
    static func find(_ id: String, folder: JobFolder?, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)?
    /// Submit again what `job` has not delivered; nil when nothing is missing.
    static func resume(_ job: any DetachedJob, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)?
    /// Where the job runs, for `status` and after submitting (scheduler ids, queue, logs).
    static func describe(_ job: any DetachedJob) -> [String]
    /// A step its tasks run around the worker on the cluster (`blendbatch task-hook NAME STEP ARG…`):
    /// what to print on stdout, and a note for stderr.
    static func taskHook(_ step: String, _ arguments: [String]) throws -> (output: String?, note: String?)
    /// A failure of its scheduler or store while doing `what`, as one line with its exit code.
    static func problem(_ error: any Error, doing what: String) -> RenderRequest.Problem
}

extension SchedulerBackend {
    /// A backend whose tasks run no steps of ours.
    public static func taskHook(_ step: String, _ arguments: [String]) throws -> (output: String?, note: String?) {
        throw RenderRequest.Problem(.usage, "backend '\(name)' has no task steps")
    }

    public static func problem(_ error: any Error, doing what: String) -> RenderRequest.Problem {
        error as? RenderRequest.Problem ?? .init(.failure, "\(what): \(error)")
    }
}

/// What a backend gets from its caller: AWS settings, where notes and upload progress go, and the
/// studio's defaults for its options.
public struct BackendContext: Sendable {
    public var aws: AWSEnvironment
    public var awsJobIndex: AWSJobIndex
    public var notice: @Sendable (String) -> Void
    public var uploadProgress: (@Sendable (Int, Int, Int64, Int64) -> Void)?
    /// Values for the backend's options when the request gives none (the studio config's defaults).
    public var defaults: [String: RequestValue]

    public init(aws: AWSEnvironment = .process, awsJobIndex: AWSJobIndex = .default, notice: @escaping @Sendable (String) -> Void,
                uploadProgress: (@Sendable (Int, Int, Int64, Int64) -> Void)? = nil, defaults: [String: RequestValue] = [:]) {
        self.aws = aws
        self.awsJobIndex = awsJobIndex
        self.notice = notice
        self.uploadProgress = uploadProgress
        self.defaults = defaults
    }
}

/// Every backend by name. Adding a scheduler: its own folder, and one line in `schedulers`.
public enum Backends {
    public static let schedulers: [any SchedulerBackend.Type] = [AWSBatchBackend.self, SlurmBackend.self]

    /// What `--backend` takes: `local` (this machine) and every scheduler.
    public static var names: [String] { ["local"] + schedulers.map { $0.name } }

    public static func named(_ name: String) -> (any SchedulerBackend.Type)? { schedulers.first { $0.name == name } }

    /// The scheduler that runs `job`.
    public static func of(_ job: any DetachedJob) -> any SchedulerBackend.Type {
        named(job.backend)!
    }

    /// The job on a scheduler that `id` or `folder` names; nil for a job of this machine or none.
    public static func find(_ id: String, folder: JobFolder?, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)? {
        for backend in schedulers {
            if let job = try await backend.find(id, folder: folder, context: context) { return job }
        }
        return nil
    }

    /// One line, starting with the field's name, when `names` hold a field neither the request nor
    /// `backend` takes, or one it refuses.
    public static func check(_ names: some Sequence<String>, for backend: any SchedulerBackend.Type) throws(RenderRequest.Problem) {
        let own = Set(backend.fields.map(\.name))
        for name in names.sorted() {
            if let why = backend.refused[name] { throw .init(.usage, "\(name) is not for backend '\(backend.name)': \(why)") }
            if own.contains(name) || RenderRequest.fields.contains(where: { $0.name == name }) { continue }
            if let owner = owner(of: name) { throw .init(.usage, "\(name) is for backend '\(owner.name)', not '\(backend.name)'") }
            throw .init(.usage, "\(name): backend '\(backend.name)' has no such option (its own: \(backend.fields.map(\.name).joined(separator: ", ")))")
        }
    }

    /// `blendbatch task-hook BACKEND STEP ARG…`: the step `words` name, run by `backend`.
    public static func taskHook(backend: String, _ words: [String]) throws -> (output: String?, note: String?) {
        guard let scheduler = named(backend), let step = words.first else {
            throw RenderRequest.Problem(.usage, "task-hook BACKEND STEP: backends \(schedulers.map { $0.name }.joined(separator: ", "))")
        }
        return try scheduler.taskHook(step, Array(words.dropFirst()))
    }

    /// Which backend owns an option that is not a request field (for "--queue is for --backend aws").
    public static func owner(of field: String) -> (any SchedulerBackend.Type)? {
        schedulers.first { $0.fields.contains { $0.name == field } }
    }
}
