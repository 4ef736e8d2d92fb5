import Foundation
import ObjectStore
import ProcessSpawn
import RenderPlan

/// The stitch stage: turns the job's frames in the store into `<name>.mp4` (H.264, yuv420p, even
/// size, the manifest's frame rate), `<name>.gif` (palette-based, at most 320 px wide) and
/// `contact_sheet.png`, each written to the store whole.
///
/// Frames are handed to FFmpeg as a renumbered sequence of symlinks (`000000.png`, `000001.png`, …)
/// in frame order, so steps, odd start frames and any padding need no `-start_number` guessing.
/// A missing frame fails the stitch, naming it, unless `allowGaps` (then the previous frame repeats).
public struct Stitcher: Sendable {
    public var manifest: JobManifest
    public var ffmpeg: String
    public var control: WorkerControl
    public var emit: @Sendable (WorkerEvent) -> Void
    /// FFmpeg's raw log, a run of whole lines (newlines included) at a time.
    public var log: @Sendable (String) -> Void
    /// A caption for a frame's cell on the contact sheet (frame → text).
    public var labels: [Int: String] = [:]

    /// Frames on the contact sheet at most (evenly spaced over the job).
    public static let contactSheetLimit = 48

    public init(manifest: JobManifest, ffmpeg: String, control: WorkerControl = WorkerControl(),
                emit: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.manifest = manifest
        self.ffmpeg = ffmpeg
        self.control = control
        self.emit = emit
        self.log = log
    }

    /// What the stitch made (store keys) and which frames it filled in.
    public struct Summary: Sendable, Equatable {
        public var keys: [String]
        public var filledGaps: [Int]
    }

    public func run() async throws(WorkerError) -> Summary {
        let stitch = manifest.stitch ?? StitchSpec(frameRate: 24)
        let output = manifest.output
        let store: any ObjectStore
        do { store = try StoreOpener.open(StoreLocation(parsing: output.location)) } catch {
            throw WorkerError(.storeError, "output \(output.location): \(error)")
        }
        let expected = FrameSet(manifest.allFrames)
        // EXR frames are scene-linear: the video shows their display-referred previews instead.
        let sourceKey = output.makesPreviews ? output.previewKey : output.frameKey
        let present: Set<String>
        do {
            present = Set(try await store.listAll(prefix: output.makesPreviews ? "previews/" : "frames/").filter { $0.size > 0 }.map(\.key))
        } catch {
            throw RenderWorker.storeFailure(error, doing: "listing frames in \(output.location)")
        }
        let available = expected.filter { present.contains(sourceKey($0)) }
        let missing = expected.subtracting(FrameSet(available))
        guard !available.isEmpty else {
            throw WorkerError(.dataError, "cannot stitch: none of the job's \(expected.count) frames (\(expected)) are in \(output.location)/frames")
        }
        if !missing.isEmpty && !stitch.allowGaps {
            throw WorkerError(.dataError, "cannot stitch: \(missing.count) frame\(missing.count == 1 ? " is" : "s are") missing: \(missing) "
                              + "(render them with `blendbatch resume`, or allow gaps to repeat the previous frame)")
        }

        let work = FileManager.default.temporaryDirectory.path + "/blendbatch-stitch-\(manifest.id)-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let files = try await localFiles(for: available.map { ($0, sourceKey($0)) }, store: store, work: work)

        // Gaps take the previous frame (the first available one for leading gaps).
        var sequence: [String] = []
        var last = files[available[0]]!
        for frame in expected {
            if let file = files[frame] { last = file }
            sequence.append(last)
        }
        let ext = output.makesPreviews ? "png" : output.fileExtension
        let sequenceDir = try linkSequence(sequence, into: work + "/seq", ext: ext)
        let rate = Self.rateArgument(stitch.frameRate)
        let input = ["-framerate", rate, "-start_number", "0", "-i", sequenceDir + "/%06d." + ext]

        var keys: [String] = []
        if stitch.video {
            let file = work + "/out.mp4"
            try runFFmpeg(input + ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                                   "-crf", "18", "-preset", "veryfast", "-movflags", "+faststart", "-r", rate, file], what: "the video")
            keys.append(try await save(file, as: "\(output.name).mp4", in: store))
        }
        if stitch.gif {
            let file = work + "/out.gif"
            try runFFmpeg(input + ["-filter_complex",
                                   "scale='min(320,iw)':-2:flags=lanczos,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3",
                                   "-loop", "0", file], what: "the GIF")
            keys.append(try await save(file, as: "\(output.name).gif", in: store))
        }
        if stitch.contactSheet {
            let picks = Self.evenlySpaced(count: sequence.count, limit: Self.contactSheetLimit).map { (frame: expected.frames[$0], file: sequence[$0]) }
            let file = work + "/contact_sheet.png"
            try runFFmpeg(try ContactSheet(cells: picks, labels: labels, work: work).arguments(output: file), what: "the contact sheet")
            keys.append(try await save(file, as: "contact_sheet.png", in: store))
        }
        return Summary(keys: keys, filledGaps: missing.frames)
    }

    /// Paths of the available frames: the files themselves for a local store, downloads otherwise.
    private func localFiles(for frames: [(frame: Int, key: String)], store: any ObjectStore,
                            work: String) async throws(WorkerError) -> [Int: String] {
        var files: [Int: String] = [:]
        do {
            try FileManager.default.createDirectory(atPath: work + "/frames", withIntermediateDirectories: true)
            for (frame, key) in frames {
                if let local = store as? LocalStore {
                    files[frame] = try local.path(for: key)
                } else {
                    let target = work + "/frames/" + (key as NSString).lastPathComponent
                    try await store.get(key: key, to: URL(fileURLWithPath: target))
                    files[frame] = target
                }
            }
        } catch {
            throw RenderWorker.storeFailure(error, doing: "fetching frames for the stitch")
        }
        return files
    }

    /// Symlink `files` as `000000.ext`, `000001.ext`, … in `directory`.
    private func linkSequence(_ files: [String], into directory: String, ext: String) throws(WorkerError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, file) in files.enumerated() {
                try FileManager.default.createSymbolicLink(atPath: directory + String(format: "/%06d.", index) + ext,
                                                           withDestinationPath: file)
            }
        } catch {
            throw WorkerError(.ioError, "cannot prepare frames for FFmpeg in \(directory): \(error.localizedDescription)")
        }
        return directory
    }

    private func runFFmpeg(_ arguments: [String], what: String) throws(WorkerError) {
        if control.isInterrupted { throw WorkerError(.interrupted, "interrupted before making \(what)") }
        let child: ChildProcess
        do { child = try ChildProcess.spawn(ffmpeg, ["-y", "-hide_banner", "-loglevel", "error", "-nostdin"] + arguments) } catch {
            throw WorkerError(.unavailable, "\(error) (point --ffmpeg or BLENDBATCH_FFMPEG at FFmpeg)")
        }
        control.attach(child)
        defer { control.detach() }
        var lines: [String] = []
        let log = self.log
        child.readLines(block: log) { lines.append($0) }
        let termination = child.wait()
        if control.isInterrupted { throw WorkerError(.interrupted, "interrupted while making \(what)") }
        guard termination.isSuccess else {
            let said = lines.suffix(3).joined(separator: " / ")
            // A build without the encoder fails the same way on every attempt: not worth a retry.
            if Self.lacksEncoder(lines) {
                throw WorkerError(.unavailable, "this FFmpeg cannot encode \(what): \(said) (install an FFmpeg with libx264, or point --ffmpeg / BLENDBATCH_FFMPEG at one)")
            }
            throw WorkerError(.renderFailure, "FFmpeg failed making \(what) (\(termination)): \(said)")
        }
    }

    /// Whether FFmpeg's output says the encoder or muxer it was asked for is not in this build.
    static func lacksEncoder(_ lines: [String]) -> Bool {
        lines.contains { line in
            line.contains("Unknown encoder") || line.contains("Encoder not found") || (line.contains("Requested output format") && line.contains("not"))
        }
    }

    private func save(_ file: String, as key: String, in store: any ObjectStore) async throws(WorkerError) -> String {
        do { try await store.put(file: URL(fileURLWithPath: file), key: key) } catch {
            throw RenderWorker.storeFailure(error, doing: "storing \(key)")
        }
        emit(WorkerEvent(.stitched, key: key))
        return key
    }

    /// FFmpeg's rate argument: `24`, `30000/1001` for NTSC rates, else the decimal.
    public static func rateArgument(_ fps: Double) -> String {
        if fps == fps.rounded() { return String(Int(fps)) }
        for base in [24.0, 30, 48, 60, 120] where abs(fps - base * 1000 / 1001) < 0.001 {
            return "\(Int(base) * 1000)/1001"
        }
        return String(format: "%.6g", fps)
    }

    /// `limit` indices spread evenly over `0..<count` (all of them when `count <= limit`).
    static func evenlySpaced(count: Int, limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
    }
}
