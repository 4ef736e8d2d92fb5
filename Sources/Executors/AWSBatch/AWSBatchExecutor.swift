import AWSCore
import AWSServices
import Foundation
import ObjectStore
import Render
import RenderPlan

/// Where and how render jobs run on AWS Batch.
public struct AWSBatchSettings: Sendable, Equatable {
    /// Job queue name or ARN (the stack's is `<stack>-render`).
    public var queue: String
    /// Job definition: a name picks among it and its `name-…` family (`AWSWorkerChoice`); `name:revision`
    /// or an ARN names one (the stack's are `<stack>-worker` and `<stack>-worker-gpu`).
    public var jobDefinition: String
    /// Extra tags on every submitted job.
    public var tags: [String: String]
    /// Submit even when the job definition's Blender is older than the release that saved the file.
    public var allowOlderBlender: Bool

    public init(queue: String, jobDefinition: String = AWSBatchSettings.defaultJobDefinition, tags: [String: String] = [:],
                allowOlderBlender: Bool = false) {
        self.queue = queue
        self.jobDefinition = jobDefinition
        self.tags = tags
        self.allowOlderBlender = allowOlderBlender
    }

    /// What scripts/aws/stack.yaml (deployed as stack `blendbatch`) and `aws register-job-definition` name it.
    public static let defaultJobDefinition = "blendbatch-worker"
}

/// Runs render jobs on AWS Batch: ONE array job renders the chunks (a plain job when there is one
/// chunk), ONE stitch job depends on it, and the job definition's retry strategy handles Spot
/// reclaims. No client needs to stay online after `submit`.
public struct AWSBatchExecutor: Executor {
    public let batch: BatchClient
    public let settings: AWSBatchSettings
    /// Opens the store at an `s3://` location (S3Store on the same AWS client).
    public let openStore: @Sendable (StoreLocation) throws -> any ObjectStore
    /// Seconds between polls while following a job.
    public var pollInterval: Double = 10
    /// Where submitted jobs are remembered on this machine (nil = nowhere).
    public var index: AWSJobIndex? = .default
    /// Told what a submission could not take along or did on the way (one line each; default: ignored).
    public var notice: @Sendable (String) -> Void = { _ in }
    /// Told after each file of a .blend's upload with the files it uses.
    public var uploadProgress: StoreTransfer.Progress?

    public init(batch: BatchClient, settings: AWSBatchSettings,
                openStore: @escaping @Sendable (StoreLocation) throws -> any ObjectStore) {
        self.batch = batch
        self.settings = settings
        self.openStore = openStore
    }

    /// Batch's upper bound on array children.
    public static let maxArraySize = 10_000

    /// Planning for Batch: tasks of 10 frames unless the request gives a chunk (a task pays for its
    /// container's start and for loading the .blend), no measured probe, Blender's own thread count
    /// (the container's cores). Beyond `maxArraySize` tasks the chunks are grouped (`AWSBatchBackend.plan`).
    public static let planTarget = PlanTarget(slots: 1, chunk: 10)

    public func submit(_ manifest: JobManifest) async throws -> any JobHandle {
        try await submitJob(manifest)
    }

    /// Submit and return the concrete handle (ids of the Batch jobs included). `file` is the release
    /// that saved the .blend (read from a local input when not given): the job definition must open it.
    /// With `after`, the render job `dependsOn` each of those jobs' last Batch job, so Batch starts it
    /// only when they succeeded (and fails it when one failed).
    public func submitJob(_ manifest: JobManifest, file: AWSWorkerChoice.File? = nil,
                          after: [AWSBatchJobHandle] = []) async throws -> AWSBatchJobHandle {
        let output = try StoreLocation(parsing: manifest.output.location)
        guard case .s3 = output else {
            throw AWSBatchError.outputNotInS3(manifest.output.location)
        }
        var file = file
        if file == nil, case .local(let path)? = try? StoreLocation(parsing: manifest.input) { file = .read(blend: path) }
        let (queue, definition) = try await preflight(device: manifest.overrides.device, file: file)
        try await checkBucket(output)
        let store = try openStore(output)
        var manifest = manifest.grouped(maxChunks: Self.maxArraySize)
        guard !manifest.chunks.isEmpty else { throw AWSBatchError.nothingToRender(manifest.id) }
        let jobFolder = AWSJobFolder(id: manifest.id)

        // A .blend on this machine goes up first, with the files it uses: Batch tasks cannot see local files.
        if case .local(let path) = try StoreLocation(parsing: manifest.input) {
            try await uploadInput(path, of: &manifest, to: store, at: output, jobFolder: jobFolder)
        }

        try await store.put(data: try AWSJobFolder.encode(manifest), key: jobFolder.manifestKey)
        let manifestURL = output.appending(jobFolder.manifestKey).description
        let submission = try await submitJobs(manifest: manifest, manifestURL: manifestURL,
                                              queue: queue.jobQueueArn, definition: definition.jobDefinitionArn,
                                              suffix: "", after: after.compactMap(\.lastBatchJobId))
        let record = AWSJobRecord(id: manifest.id, output: output.description, manifest: manifestURL,
                                  queue: queue.jobQueueArn, jobDefinition: definition.jobDefinitionArn,
                                  region: batch.client.configuration.region, submittedAt: Date(),
                                  submissions: [submission])
        try await store.put(data: try AWSJobFolder.encode(record), key: jobFolder.recordKey)
        try? index?.save(record)
        return AWSBatchJobHandle(record: record, manifest: manifest, batch: batch, store: store, pollInterval: pollInterval)
    }

    /// Where the files .blends use are kept below an output prefix, each under its SHA-256: every job
    /// writing there shares them, so a shot submitted again uploads only what changed.
    public static let filesPrefix = ".blendbatch/files/"

    /// Upload the local .blend at `path` into the job folder's `input/` and the external files it uses
    /// into ``filesPrefix`` (skipping those already there), and point `manifest` at them. Warns
    /// (through `notice`) about references that cannot travel.
    func uploadInput(_ path: String, of manifest: inout JobManifest, to store: any ObjectStore, at output: StoreLocation,
                     jobFolder: AWSJobFolder) async throws {
        guard FileManager.default.fileExists(atPath: path) else { throw AWSBatchError.inputMissing(path) }
        let name = (path as NSString).lastPathComponent
        let bundle: InputBundle?
        do { bundle = try InputBundle.collect(blend: path) } catch {
            notice("\(name): cannot search it for the files it uses (\(error)); uploading it alone")
            bundle = nil
        }
        for warning in bundle?.warnings ?? [] { notice("\(name): \(warning)") }
        guard let bundle, !bundle.isSingleFile else {
            let key = jobFolder.key("input/" + name)
            try await store.put(file: URL(fileURLWithPath: path), key: key)
            manifest.input = output.appending(key).description
            return
        }
        let stored = Dictionary(try await store.listAll(prefix: Self.filesPrefix).map { ($0.key, $0.size) }) { first, _ in first }
        let blendKey = jobFolder.key("input/" + bundle.blend)
        var files: [InputFile] = []
        var copies: [StoreTransfer.Copy] = []
        for file in bundle.files {
            let local = bundle.root + "/" + file
            let size = ((try? FileManager.default.attributesOfItem(atPath: local))?[.size] as? NSNumber)?.int64Value ?? 0
            let key = file == bundle.blend ? blendKey : Self.filesPrefix + (try FileDigest.sha256Hex(ofFile: local))
            if file == bundle.blend || stored[key] != size { copies.append(StoreTransfer.Copy(key: file, destinationKey: key, size: size)) }
            files.append(InputFile(path: file, url: output.appending(key).description))
        }
        let (count, bytes) = try await StoreTransfer().copyEach(copies, from: LocalStore(root: bundle.root), to: store,
                                                                progress: uploadProgress)
        let others = bundle.files.count - 1
        let kept = bundle.files.count - count
        notice("\(name): uploaded with the \(others) file\(others == 1 ? "" : "s") it uses (\(formatBytes(bytes)) sent"
               + (kept > 0 ? "; \(kept) already in \(output.appending(Self.filesPrefix)) from earlier jobs" : "") + ")")
        manifest.inputFiles = files
        manifest.input = output.appending(blendKey).description
    }

    /// Resubmit only the chunks with frames missing from the store (the worker skips frames already
    /// there), and the stitch after them. Returns nil when every frame is in the store and the video exists.
    public func resume(_ handle: AWSBatchJobHandle) async throws -> AWSBatchJobHandle? {
        let current = try await handle.currentStatus()
        if !current.state.isFinal {
            throw AWSBatchError.stillRunning(handle.id, handle.record.latest.renderJobId)
        }
        let done = try await handle.framesInStore()
        let missing = handle.manifest.chunks.filter { chunk in chunk.frames.contains { !done.contains($0) } }
        if missing.isEmpty && (handle.manifest.stitch == nil || current.state == .succeeded) { return nil }
        var resumed = handle.manifest
        resumed.chunks = missing.enumerated().map { FrameChunk(index: $0.offset, frames: $0.element.frames) }
        let (queue, definition) = try await preflight(device: handle.manifest.overrides.device, file: nil)
        let jobFolder = AWSJobFolder(id: handle.id)
        let attempt = handle.record.submissions.count
        let output = try StoreLocation(parsing: handle.record.output)
        var record = handle.record
        let key = jobFolder.key("manifest-resume-\(attempt).json")
        try await handle.store.put(data: try AWSJobFolder.encode(resumed), key: key)
        let submission = try await submitJobs(manifest: resumed, manifestURL: output.appending(key).description,
                                              queue: queue.jobQueueArn, definition: definition.jobDefinitionArn,
                                              suffix: "-resume\(attempt)")
        record.submissions.append(submission)
        try await handle.store.put(data: try AWSJobFolder.encode(record), key: jobFolder.recordKey)
        try? index?.save(record)
        return AWSBatchJobHandle(record: record, manifest: handle.manifest, batch: batch, store: handle.store,
                                 pollInterval: pollInterval)
    }

    /// The queue and job definition for the Cycles `device` and the `file` (see `AWSWorkerChoice`),
    /// checked before anything is uploaded. What was chosen on the way goes to `notice`.
    func preflight(device: String?, file: AWSWorkerChoice.File?) async throws -> (JobQueueDetail, JobDefinition) {
        let choice: AWSWorkerChoice
        do {
            guard let named = try await batch.jobQueue(settings.queue) else { throw AWSBatchError.unknownQueue(settings.queue) }
            choice = try await AWSWorkerChoice.resolve(batch: batch, queue: named, jobDefinition: settings.jobDefinition, device: device,
                                                       file: file, allowOlderBlender: settings.allowOlderBlender)
        } catch let error as AWSError where error.statusCode == 403 || error.code.contains("AccessDenied") {
            throw AWSBatchError.accessDenied(action: "batch:DescribeJobQueues / batch:DescribeJobDefinitions / batch:DescribeComputeEnvironments",
                                             error: error)
        }
        let queue = choice.queue
        if queue.state == "DISABLED" { throw AWSBatchError.queueUnusable(queue.jobQueueName, "it is DISABLED") }
        if queue.status == "INVALID" {
            throw AWSBatchError.queueUnusable(queue.jobQueueName, "it is INVALID: \(queue.statusReason ?? "no reason given")")
        }
        choice.notices.forEach(notice)
        return (queue, choice.definition)
    }

    /// The output bucket exists and is in the queue's region (tasks in another region would pay for
    /// every frame crossing regions, and the stack's roles only cover its own bucket).
    func checkBucket(_ output: StoreLocation) async throws {
        guard case .s3(let bucket, _) = output else { return }
        let region = batch.client.configuration.region
        do {
            let response = try await batch.client.send(AWSRequest(service: .s3, method: "HEAD", path: "/", bucket: bucket))
            if let actual = response.header("x-amz-bucket-region"), actual != region {
                throw AWSBatchError.bucketInOtherRegion(bucket, actual, region)
            }
        } catch let error as AWSError {
            switch error.statusCode {
            case 301: throw AWSBatchError.bucketInOtherRegion(bucket, nil, region)
            case 404: throw AWSBatchError.noSuchBucket(bucket, region)
            case 403: throw AWSBatchError.accessDenied(action: "s3:ListBucket on \(bucket)", error: error)
            default: throw error
            }
        }
    }

    /// Submit the render (array or plain) job and the stitch job that depends on it.
    func submitJobs(manifest: JobManifest, manifestURL: String, queue: String, definition: String,
                    suffix: String, after: [String] = []) async throws -> AWSJobSubmission {
        let environment = [KeyValuePair(name: "BLENDBATCH_MANIFEST", value: manifestURL),
                           KeyValuePair(name: "BLENDBATCH_JOB_ID", value: manifest.id)]
        var tags = settings.tags
        tags["blendbatch:job"] = manifest.id
        let name = AWSJobFolder.jobName(manifest.id)
        var renderJobId: String?
        if !manifest.chunks.isEmpty {
            let render = SubmitJobRequest(
                jobName: "\(name)-render\(suffix)", jobQueue: queue, jobDefinition: definition,
                arrayProperties: manifest.chunks.count > 1 ? ArrayProperties(size: manifest.chunks.count) : nil,
                dependsOn: after.isEmpty ? nil : after.map { JobDependency(jobId: $0) },
                containerOverrides: ContainerOverrides(environment: environment),
                propagateTags: true, tags: tags)
            renderJobId = try await submit(render).jobId
        }
        var stitchJobId: String?
        if manifest.stitch != nil {
            let stitch = SubmitJobRequest(
                jobName: "\(name)-stitch\(suffix)", jobQueue: queue, jobDefinition: definition,
                dependsOn: renderJobId.map { [JobDependency(jobId: $0)] },
                containerOverrides: ContainerOverrides(command: ["worker", "--stage", "stitch"], environment: environment),
                propagateTags: true, tags: tags)
            stitchJobId = try await submit(stitch).jobId
        }
        return AWSJobSubmission(renderJobId: renderJobId, stitchJobId: stitchJobId, manifest: manifestURL,
                                chunks: manifest.chunks.count, submittedAt: Date())
    }

    private func submit(_ request: SubmitJobRequest) async throws -> SubmitJobResponse {
        do {
            return try await batch.submitJob(request)
        } catch let error as AWSError where error.statusCode == 403 || error.code.contains("AccessDenied") {
            throw AWSBatchError.accessDenied(action: "batch:SubmitJob on \(request.jobQueue)", error: error)
        }
    }
}
