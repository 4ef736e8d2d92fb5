import Foundation
import ObjectStore
import ProcessSpawn
import RenderPlan

/// One array task's render stage: renders the frames of its chunk that the store does not have yet,
/// moving each into the store the moment Blender saves it (so an interruption loses at most the
/// frame in progress).
public struct RenderWorker: Sendable {
    /// Least time between two `sample` events of a running frame (its first and last always go out).
    static let sampleEventInterval = 0.1

    public var manifest: JobManifest
    public var index: Int
    /// The Blender executable (see `ToolLocator`).
    public var blender: String
    public var control: WorkerControl
    /// Progress events (the CLI prints them as JSON lines on stdout).
    public var emit: @Sendable (WorkerEvent) -> Void
    /// Blender's raw log, a run of whole lines (newlines included) at a time (the CLI copies it to stderr).
    public var log: @Sendable (String) -> Void
    /// This task's attempt (1-based) and host, recorded with each frame's metrics (see `FrameMetrics`).
    public var attempt = 1
    public var host = ProcessInfo.processInfo.hostName

    public init(manifest: JobManifest, index: Int, blender: String, control: WorkerControl = WorkerControl(),
                emit: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.manifest = manifest
        self.index = index
        self.blender = blender
        self.control = control
        self.emit = emit
        self.log = log
    }

    /// What a finished task did.
    public struct Summary: Sendable, Equatable {
        public var rendered: [Int]
        public var skipped: [Int]
    }

    /// Render the chunk. Throws `WorkerError` with the exit code to end with.
    public func run() async throws(WorkerError) -> Summary {
        let chunk: FrameChunk
        do { chunk = try manifest.chunk(at: index) } catch { throw WorkerError(.usage, error.description) }
        let output = manifest.output
        let store = try openStore(output.location)

        let stored = try await framesInStore(store, output: output)
        let (present, current) = (stored.present, stored.current)
        let stale = chunk.frames.filter { present.contains($0) && !current.contains($0) }
        if !stale.isEmpty {
            log(manifest.keepExisting == true
                ? "blendbatch: keeping frames \(FrameSet(stale)) made with other settings (--keep-existing)\n"
                : "blendbatch: frames \(FrameSet(stale)) were made with other settings; rendering them again\n")
        }
        if manifest.keepExisting == true { try await adopt(stale, stored: stored, store: store, output: output) }
        let skipped = chunk.frames.filter { current.contains($0) || (manifest.keepExisting == true && present.contains($0)) }
        let missing = FrameSet(chunk.frames).subtracting(FrameSet(skipped))
        emit(WorkerEvent(.chunkStarted, frames: chunk.frameSet.description, missing: missing.description))
        for frame in skipped { emit(WorkerEvent(.frameSkipped, frame: frame, key: output.frameKey(frame))) }
        guard !missing.isEmpty else {
            emit(WorkerEvent(.chunkDone, frames: chunk.frameSet.description))
            return Summary(rendered: [], skipped: skipped)
        }
        if control.isInterrupted { throw WorkerError(.interrupted, "interrupted before rendering; nothing lost") }

        let workFolder = try makeWorkFolder(for: store)
        defer { workFolder.remove() }
        let work = workFolder.path

        let blendFile = try await fetchInput(into: work)
        let driver = BlenderDriver(spec: .init(file: blendFile, scene: manifest.scene, frames: missing.frames, format: output.format,
                                               output: work + "/f_######", overrides: manifest.overrides,
                                               previews: output.makesPreviews, blendScripts: manifest.blendScripts))
        let arguments: [String]
        do { arguments = try driver.prepare(in: work, for: BlenderExecutable(path: blender)) } catch {
            throw WorkerError(.ioError, "cannot write the render driver into \(work): \(error.localizedDescription)")
        }

        let rendered = try await render(arguments: arguments, missing: missing, stored: stored, store: store, output: output)
        emit(WorkerEvent(.chunkDone, frames: chunk.frameSet.description))
        return Summary(rendered: rendered, skipped: skipped)
    }

    /// Run Blender, uploading frames as they are saved; classify how it ended.
    private func render(arguments: [String], missing: FrameSet, stored: StoredFrames, store: any ObjectStore,
                        output: OutputSpec) async throws(WorkerError) -> [Int] {
        let child: ChildProcess
        do { child = try ChildProcess.spawn(blender, arguments) } catch {
            throw WorkerError(.unavailable, "\(error) (point --blender or BLENDBATCH_BLENDER at Blender)")
        }
        control.attach(child)
        defer { control.detach() }

        let log = self.log, emit = self.emit, control = self.control, fingerprint = manifest.fingerprint
        let (saves, saveSink) = AsyncStream<SavedFrame>.makeStream()
        let metricsKey = FrameMetrics.key(job: manifest.id, task: index, attempt: attempt)
        let (index, attempt, host) = (self.index, self.attempt, self.host)
        let uploader = Task { () -> Result<[Int], WorkerError> in
            var uploaded: [Int] = []
            var metrics: [FrameMetric] = []
            for await saved in saves {
                guard missing.contains(saved.frame) else { try? FileManager.default.removeItem(atPath: saved.path); continue }
                let key = output.frameKey(saved.frame)
                do {
                    // Another settings' marker goes before the frame is replaced: a marked frame is always what its marker says.
                    for marker in stored.otherMarkers[saved.frame] ?? [] { try await store.delete(key: marker) }
                    // The preview first: a frame in the store always has its preview there too.
                    if let preview = saved.preview, output.makesPreviews {
                        try await store.move(file: URL(fileURLWithPath: preview), key: output.previewKey(saved.frame))
                    }
                    try await store.move(file: URL(fileURLWithPath: saved.path), key: key)
                    if let fingerprint {
                        try await store.put(data: Data(), key: output.fingerprintKey(saved.frame, fingerprint: fingerprint))
                    }
                } catch {
                    control.interrupt()  // no point rendering more frames we cannot keep
                    return .failure(Self.storeFailure(error, doing: "storing frame \(saved.frame) as \(key)"))
                }
                uploaded.append(saved.frame)
                emit(WorkerEvent(.frameSaved, frame: saved.frame, seconds: saved.seconds, key: key, peakMemory: saved.peakMemory))
                // Metrics are a record of the work, not the work: a store that refuses them costs no frame.
                metrics.append(FrameMetric(frame: saved.frame, seconds: saved.seconds ?? 0, peakMemory: saved.peakMemory, task: index,
                                           attempt: attempt, host: host, savedAt: Date().timeIntervalSince1970))
                do { try await store.put(data: FrameMetrics.encode(metrics), key: metricsKey) } catch {
                    log("blendbatch: cannot store the frame metrics \(metricsKey): \(error)\n")
                }
            }
            return .success(uploaded)
        }

        let parser = await withCheckedContinuation { (continuation: CheckedContinuation<BlenderLogParser, Never>) in
            Thread.detachNewThread {
                var parser = BlenderLogParser()
                var lastSample = Date.distantPast
                child.readLines(block: log) { line in
                    for event in parser.parse(line) {
                        switch event {
                        case .frameStarted(let frame):
                            emit(WorkerEvent(.frameStarted, frame: frame))
                        case .sample(let frame, let done, let total):
                            // A progress bar needs a few updates a second, not one per sample: each
                            // event is CPU taken from the cores Blender renders on.
                            let now = Date()
                            guard done <= 1 || done == total || now.timeIntervalSince(lastSample) >= Self.sampleEventInterval else { continue }
                            lastSample = now
                            emit(WorkerEvent(.sample, frame: frame, sample: done, samples: total))
                        case .frameWritten(let written):
                            saveSink.yield(SavedFrame(frame: written.frame, path: written.file, seconds: written.seconds,
                                                      peakMemory: written.peakMemory, preview: written.preview))
                        case .saved, .frameTime, .warning, .error:
                            break
                        }
                    }
                }
                saveSink.finish()
                continuation.resume(returning: parser)
            }
        }
        let termination = await child.terminated()
        let uploaded: [Int]
        switch await withTaskCancellationHandler(operation: { await uploader.value }, onCancel: { uploader.cancel() }) {
        case .success(let frames): uploaded = frames
        case .failure(let error): throw error
        }

        let notSaved = missing.subtracting(FrameSet(uploaded))
        if control.isInterrupted {
            throw WorkerError(.interrupted, "interrupted: kept \(uploaded.count) finished frame\(uploaded.count == 1 ? "" : "s")"
                              + (notSaved.isEmpty ? "" : "; frames \(notSaved) still to render"))
        }
        let lastError = parser.lastError.map { ": \($0)" } ?? ""
        if termination == .exited(ExitCode.dataError.rawValue), let message = parser.lastError {
            throw WorkerError(.dataError, message)
        }
        if termination == .exited(ExitCode.unavailable.rawValue), let message = parser.lastError {
            throw WorkerError(.unavailable, message)
        }
        if parser.noDisplay {
            throw WorkerError(.unavailable, "\(manifest.overrides.engine ?? "the scene's engine") cannot start: Blender found no display or GPU context "
                              + "(EEVEE and Workbench need one in background mode); render with --engine cycles, or on a machine with a GPU or under Xvfb")
        }
        if parser.diskFull {
            // Not worth a retry: every attempt fails the same way until someone frees space.
            throw WorkerError(.ioError, "disk full: Blender cannot save frame \(parser.currentFrame.map(String.init) ?? "?") in \(output.location)"
                              + "; free space there, then resume the job (frames \(notSaved) not rendered)")
        }
        if !termination.isSuccess {
            let frame = parser.currentFrame.map { " while rendering frame \($0)" } ?? ""
            throw WorkerError(.renderFailure, "Blender failed (\(termination))\(frame)\(lastError); frames \(notSaved) not rendered")
        }
        if !notSaved.isEmpty {
            throw WorkerError(.renderFailure, "Blender exited without saving frames \(notSaved)\(lastError)")
        }
        return uploaded
    }

    /// Where Blender writes: inside a folder store (so each frame is renamed into place, not copied,
    /// and a full output disk shows at the first frame), otherwise in the temp folder. Folders there
    /// of workers that were killed are removed first (see `WorkFolder`).
    private func makeWorkFolder(for store: any ObjectStore) throws(WorkerError) -> WorkFolder {
        let parent: String
        if case .local(let root) = store.location { parent = root + "/.blendbatch/work" } else {
            parent = FileManager.default.temporaryDirectory.path
        }
        do { return try WorkFolder(parent: parent, job: manifest.id, index: index) } catch {
            throw WorkerError(.ioError, "cannot create a work folder in \(parent): \(StoreError.systemReason(error))")
        }
    }

    /// The job's frames in the store and their settings markers, from two listings.
    struct StoredFrames: Sendable {
        /// Complete frames (empty files are placeholders).
        var present: Set<Int>
        /// Those made with this job's settings (`JobManifest.framesDone`).
        var current: Set<Int>
        /// Markers of other settings, by frame: removed before the frame is replaced.
        var otherMarkers: [Int: [String]]
    }

    private func framesInStore(_ store: any ObjectStore, output: OutputSpec) async throws(WorkerError) -> StoredFrames {
        do {
            var keys = Set(try await store.listAll(prefix: "frames/").filter { $0.size > 0 }.map(\.key))
            var otherMarkers: [Int: [String]] = [:]
            if manifest.fingerprint != nil {
                let markers = try await store.listAll(prefix: OutputSpec.fingerprintsPrefix).map(\.key)
                keys.formUnion(markers)
                var frameOfName: [String: Int] = [:]
                for frame in manifest.allFrames { frameOfName[(output.frameKey(frame) as NSString).lastPathComponent] = frame }
                for marker in markers {
                    guard let frame = frameOfName[(marker as NSString).lastPathComponent], !manifest.doneKeys(frame).contains(marker) else { continue }
                    otherMarkers[frame, default: []].append(marker)
                }
            }
            let present = Set(manifest.allFrames.filter { keys.contains(output.frameKey($0)) })
            return StoredFrames(present: present, current: manifest.framesDone(among: keys), otherMarkers: otherMarkers)
        } catch {
            throw Self.storeFailure(error, doing: "listing frames in \(output.location)")
        }
    }

    /// With --keep-existing, frames made with other settings count as made with these: marked so.
    private func adopt(_ frames: [Int], stored: StoredFrames, store: any ObjectStore, output: OutputSpec) async throws(WorkerError) {
        guard let fingerprint = manifest.fingerprint else { return }
        do {
            for frame in frames {
                for marker in stored.otherMarkers[frame] ?? [] { try await store.delete(key: marker) }
                try await store.put(data: Data(), key: output.fingerprintKey(frame, fingerprint: fingerprint))
            }
        } catch {
            throw Self.storeFailure(error, doing: "marking the kept frames in \(output.location)")
        }
    }

    /// The .blend as a local path: used in place when local, downloaded into `work` otherwise (with
    /// the files it uses, in their layout, when the manifest lists `inputFiles`).
    private func fetchInput(into work: String) async throws(WorkerError) -> String {
        let location: StoreLocation
        do { location = try StoreLocation(parsing: manifest.input) } catch { throw WorkerError(.usage, "\(error)") }
        if let files = manifest.inputFiles, case .s3 = location { return try await fetchFiles(files, into: work) }
        switch location {
        case .local(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw WorkerError(.noInput, "\(path): no such .blend file")
            }
            guard FileManager.default.isReadableFile(atPath: path) else { throw WorkerError(.noInput, "\(path): not readable") }
            return path
        case .s3(let bucket, let key):
            let target = work + "/" + location.lastComponent
            do {
                let store = try StoreOpener.open(.s3(bucket: bucket, key: (key as NSString).deletingLastPathComponent))
                try await store.get(key: location.lastComponent, to: URL(fileURLWithPath: target))
            } catch let error as StoreError {
                if case .notFound = error { throw WorkerError(.noInput, "\(manifest.input): no such object") }
                throw Self.storeFailure(error, doing: "downloading \(manifest.input)")
            } catch {
                throw Self.storeFailure(error, doing: "downloading \(manifest.input)")
            }
            return target
        }
    }

    /// Download each of `files` to its path below `work/input/` and return the path of the .blend among them.
    private func fetchFiles(_ files: [InputFile], into work: String) async throws(WorkerError) -> String {
        let folder = LocalStore(root: work + "/input")
        guard let blend = files.first(where: { $0.url == manifest.input }) else {
            throw WorkerError(.usage, "manifest: input \(manifest.input) is not among its inputFiles")
        }
        do {
            // Each bucket's objects in one transfer, keys as stored; a path leaving the folder is refused.
            var byBucket: [String: [StoreTransfer.Copy]] = [:]
            for file in files {
                guard case .s3(let bucket, let key) = try StoreLocation(parsing: file.url) else {
                    throw WorkerError(.usage, "manifest: input file \(file.url) is not in S3")
                }
                _ = try folder.path(for: file.path)
                byBucket[bucket, default: []].append(StoreTransfer.Copy(key: key, destinationKey: file.path, size: 0))
            }
            for (bucket, copies) in byBucket {
                try await StoreTransfer().copyEach(copies, from: try StoreOpener.open(.s3(bucket: bucket, key: "")), to: folder)
            }
            return try folder.path(for: blend.path)
        } catch let error as WorkerError {
            throw error
        } catch StoreError.keyEscapesRoot(let path) {
            throw WorkerError(.usage, "manifest: input file path \(path) leaves the input folder")
        } catch StoreError.notFound(let url) {
            throw WorkerError(.noInput, "\(url): no such object (an input file of this job)")
        } catch {
            throw Self.storeFailure(error, doing: "downloading the input files of \(manifest.input)")
        }
    }

    private func openStore(_ text: String) throws(WorkerError) -> any ObjectStore {
        do { return try StoreOpener.open(StoreLocation(parsing: text)) } catch {
            throw WorkerError(.storeError, "output \(text): \(error)")
        }
    }

    /// A store failure as a worker error: local disk problems are I/O errors, a key that would leave
    /// the output bad data (never retried), the rest store errors.
    static func storeFailure(_ error: Error, doing what: String) -> WorkerError {
        if error is CancellationError { return WorkerError(.interrupted, "interrupted while \(what)") }
        if let error = error as? StoreError, case .io = error { return WorkerError(.ioError, "\(what): \(error)") }
        if let error = error as? StoreError, case .keyEscapesRoot = error { return WorkerError(.dataError, "\(what): \(error)") }
        if error is CocoaError || error is POSIXError { return WorkerError(.ioError, "\(what): \(error.localizedDescription)") }
        return WorkerError(.storeError, "\(what): \(error)")
    }
}

/// A frame Blender has written to the work folder.
struct SavedFrame: Sendable {
    var frame: Int
    var path: String
    var seconds: Double?
    var peakMemory: Int?
    var preview: String?
}
