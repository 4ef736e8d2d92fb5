import AWSCore
import AWSServices
import BlendFile
import Foundation
import ObjectStore
import Render
import RenderPlan

/// AWS Batch as a ``SchedulerBackend``: one array job of the chunks and a stitch job after it, the
/// frames in S3, the job found again through this machine's AWS job index.
public enum AWSBatchBackend: SchedulerBackend {
    public static let name = "aws"
    public static let label = "AWS"

    /// Where on Batch: its own options.
    public struct Placement: Sendable {
        public var queue: String?
        public var jobDefinition: String?
        public init() {}
    }

    static let placementFields: [RequestField<Placement>] = [
        .text("queue", \.queue, help: "AWS Batch job queue (the stack's is blendbatch-render)"),
        .text("job_definition", \.jobDefinition, help: "AWS Batch job definition NAME[:REV] (default blendbatch-worker)"),
    ]
    public static var fields: [FieldSpec] { placementFields.map(\.spec) }

    public static let refused = [
        "chunk_time": "it measures on this machine; on AWS give chunk",
        "chaos": "it drills this machine; on AWS use fis.spot_interruption{job=} or `blendbatch fis spot-interruption --job JOB`",
        "resume": "on AWS use `blendbatch resume JOB`",
        "max_time": "it limits a render on this machine; on AWS give max_cost",
    ]

    public static func submit(_ request: RenderRequest, options: [String: RequestValue], after: [any DetachedJob],
                              context: BackendContext) async throws(RenderRequest.Problem) -> any DetachedJob {
        var placement = Placement()
        do { try RequestField.apply(context.defaults.merging(options) { $1 }, to: &placement, fields: placementFields) } catch {
            throw .init(.usage, error.message)
        }
        guard let queue = placement.queue, !queue.isEmpty else {
            throw .init(.usage, "backend 'aws' needs a queue (--queue, queue=; the stack's is blendbatch-render)")
        }
        guard let out = request.out, case .s3? = try? StoreLocation(parsing: out) else {
            throw .init(.usage, "backend 'aws' needs out s3://BUCKET/PREFIX (Batch tasks cannot write to this machine)")
        }
        let client = AWSClient(configuration: .resolve(environment: context.aws))
        let (manifest, file) = try await plan(request, id: JobManifest.newID(name: request.name), client: client, notice: context.notice)
        var executor = AWSBatchExecutor(
            batch: BatchClient(client: client),
            settings: AWSBatchSettings(queue: queue, jobDefinition: placement.jobDefinition ?? AWSBatchSettings.defaultJobDefinition,
                                       allowOlderBlender: request.allowOlderBlender),
            openStore: { StoreFactory.open($0, client: client) })
        executor.index = context.awsJobIndex
        executor.notice = context.notice
        executor.uploadProgress = context.uploadProgress
        do {
            return try await executor.submitJob(manifest, file: file, after: after.compactMap { $0 as? AWSBatchJobHandle })
        } catch {
            throw problem(error, doing: "submitting job \(manifest.id) to \(queue)")
        }
    }

    /// Plan `request` for Batch where its .blend is: an s3:// one read in place (ranged GETs of only
    /// what is decoded; the manifest keeps the URL, the workers download it), a local one here.
    /// Returns the manifest with `id`, and the Blender release that saved the .blend (for the job
    /// definition's; an s3:// .blend's libraries are not read). More chunks than an array holds are
    /// grouped, with a note.
    public static func plan(_ request: RenderRequest, id: String, client: AWSClient,
                            notice: @Sendable (String) -> Void) async throws(RenderRequest.Problem) -> (JobManifest, AWSWorkerChoice.File?) {
        var request = request
        let location: StoreLocation
        do { location = try StoreLocation(parsing: request.file) } catch { throw .init(.usage, "\(request.file): \(error)") }
        var info: BlendInfo?
        if case .local(let path) = location { request.file = path } else {
            do { info = try await BlendSource.read(request.file, client: client) } catch let error as BlendError {
                throw .init(error.isMissingFile ? .noInput : .dataError, error.description)
            } catch StoreError.notFound {
                throw .init(.noInput, "\(request.file): no such object")
            } catch {
                throw .init(storeCode(error), "reading \(request.file): \(error)")
            }
        }
        let output = request.out
        request.out = FileManager.default.temporaryDirectory.path + "/blendbatch-plan-out"  // set below; never written
        if let frames = request.frames, frames.trimmingCharacters(in: .whitespaces).isEmpty { request.frames = nil }
        var manifest = try await request.plan(info: info, target: AWSBatchExecutor.planTarget)
        if manifest.chunks.count > AWSBatchExecutor.maxArraySize {
            let grouped = manifest.grouped(maxChunks: AWSBatchExecutor.maxArraySize)
            notice("\(manifest.chunks.count) chunks are more than an AWS Batch array holds (10,000); "
                + "submitting \(grouped.chunks.count) tasks of up to \((manifest.chunks.count + grouped.chunks.count - 1) / grouped.chunks.count) chunks "
                + "(pass a larger --chunk to choose yourself)")
            manifest = grouped
        }
        manifest.id = id
        manifest.input = info != nil ? request.file : URL(fileURLWithPath: request.file).standardizedFileURL.path
        if let output { manifest.output.location = (try? StoreLocation(parsing: output))?.description ?? output }
        let file = info.map { AWSWorkerChoice.File(name: (request.file as NSString).lastPathComponent, savedBy: BlenderVersion(fileVersion: $0.fileVersion)) }
            ?? AWSWorkerChoice.File.read(blend: request.file)
        return (manifest, file)
    }

    public static func find(_ id: String, folder: JobFolder?, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)? {
        guard let record = context.awsJobIndex.record(id) else { return nil }
        let client = AWSClient(configuration: .resolve(environment: context.aws))
        do {
            let store = StoreFactory.open(try StoreLocation(parsing: record.output), client: client)
            return try await AWSBatchJobHandle.open(record: record, batch: BatchClient(client: client), store: store)
        } catch {
            throw problem(error, doing: "reading job \(record.id) from \(record.output)")
        }
    }

    public static func resume(_ job: any DetachedJob, context: BackendContext) async throws(RenderRequest.Problem) -> (any DetachedJob)? {
        guard let handle = job as? AWSBatchJobHandle else { return nil }
        let client = AWSClient(configuration: .resolve(environment: context.aws))
        let executor = AWSBatchExecutor(batch: BatchClient(client: client),
                                        settings: AWSBatchSettings(queue: handle.record.queue, jobDefinition: handle.record.jobDefinition),
                                        openStore: { StoreFactory.open($0, client: client) })
        do { return try await executor.resume(handle) } catch { throw problem(error, doing: "resuming job \(handle.id)") }
    }

    public static func describe(_ job: any DetachedJob) -> [String] {
        guard let handle = job as? AWSBatchJobHandle else { return [] }
        let latest = handle.record.latest
        return ["batch: render \(latest.renderJobId ?? "-") (\(latest.chunks == 1 ? "plain job" : "array of \(latest.chunks)")), "
                + "stitch \(latest.stitchJobId ?? "-"), queue \(handle.record.queue)",
                "output: \(handle.record.output)"]
    }

    /// One line for an AWS failure: what was asked, what AWS said, what to do, and its exit code.
    public static func problem(_ error: any Error, doing what: String) -> RenderRequest.Problem {
        switch error {
        case let error as RenderRequest.Problem:
            return error
        case let error as AWSBatchError:
            return .init(error.exitCode, error.description)
        case let error as AWSError where error.statusCode == 403 || error.code.contains("AccessDenied") || error.code == "UnauthorizedOperation":
            return .init(.storeError, "\(what): permission denied (\(error.code)\(error.message.isEmpty ? "" : ": \(error.message)")); "
                + "attach the stack's OperatorPolicy (output OperatorPolicyArn) to your user or role")
        case let error as AWSError where ["UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId",
                                           "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"].contains(error.code):
            return .init(.storeError, "\(what): AWS refused the credentials (\(error.code)); check AWS_PROFILE / AWS_ACCESS_KEY_ID or run `aws sso login`")
        case let error as StoreError:
            return .init(storeCode(error), "\(what): \(error)")
        default:
            return .init(.failure, "\(what): \(error)")
        }
    }

    /// Local disk problems are I/O errors; the rest are the store's.
    public static func storeCode(_ error: any Error) -> ExitCode {
        if let error = error as? StoreError, case .io = error { return .ioError }
        if error is CocoaError || error is POSIXError { return .ioError }
        return .storeError
    }
}
