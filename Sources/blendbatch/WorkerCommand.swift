import ArgumentParser
import Dispatch
import Foundation
import Render
import RenderPlan

/// `blendbatch worker`: the entry point of every array task, locally and on AWS Batch.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", _superCommandName: "blendbatch",
        abstract: "Run one array task of a render job (what each local or AWS Batch task runs).",
        discussion: """
        Reads the job manifest from BLENDBATCH_MANIFEST (a path or s3:// URL) and its chunk from
        AWS_BATCH_JOB_ARRAY_INDEX (absent = 0). The render stage renders only the chunk's frames the
        output store does not have yet and stores each frame the moment Blender saves it; the stitch
        stage makes the video, GIF and contact sheet from all frames.

        stdout carries one JSON event per line (chunk_started, frame_skipped, frame_started, sample,
        frame_saved, chunk_done, stitched, failed); Blender's and FFmpeg's logs go to stderr.

        Exit codes: 0 done, 64 usage, 65 bad input (corrupt .blend, unknown scene, missing frames
        for the stitch), 66 missing input, 69 Blender/FFmpeg missing, 70 render failure (retry),
        74 I/O error, 75 interrupted by SIGTERM (finished frames kept; retry), 76 store error.
        """
    )

    enum Stage: String, ExpressibleByArgument, CaseIterable { case render, stitch }

    @Option(help: "Which stage to run.")
    var stage: Stage = .render

    @Option(help: "Job manifest path or URL (default: $BLENDBATCH_MANIFEST).")
    var manifest: String?

    @Option(help: "Array index (default: $AWS_BATCH_JOB_ARRAY_INDEX, or 0).")
    var index: Int?

    @Option(help: "Blender executable (default: $BLENDBATCH_BLENDER, or blender on PATH).")
    var blender: String?

    @Option(help: "FFmpeg executable for the stitch (default: $BLENDBATCH_FFMPEG, or ffmpeg on PATH).")
    var ffmpeg: String?

    @Flag(help: "Do not copy Blender's log to stderr.")
    var quiet = false

    /// Seconds a stopped worker has to finish what it was storing before its store calls are cancelled
    /// (a store that does not answer must not keep it: the controller kills it 10 s after SIGTERM).
    static let storeGrace = 4.0

    func run() async throws {
        let control = WorkerControl()
        let work = Task { [self] in try await perform(control: control) }
        let signals = Self.trap([SIGTERM, SIGINT, SIGHUP]) { _ in
            control.interrupt()
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.storeGrace) { work.cancel() }
        }
        defer { signals.forEach { $0.cancel() } }
        try await work.value
    }

    private func perform(control: WorkerControl) async throws {
        let emit: @Sendable (WorkerEvent) -> Void = { event in
            StandardStream.output.write(event.jsonLine + "\n")
        }
        let quiet = self.quiet
        let log: @Sendable (String) -> Void = { text in
            if !quiet { StandardStream.error.write(text) }
        }
        do {
            let task = try await WorkerTask.load(manifest: manifest, index: index)
            switch stage {
            case .render:
                let blenderPath: String
                do { blenderPath = try ToolLocator.locate(.blender, explicit: blender) } catch {
                    throw WorkerError(.unavailable, "\(error)")
                }
                var worker = RenderWorker(manifest: task.manifest, index: task.index, blender: blenderPath,
                                          control: control, emit: emit, log: log)
                // Batch numbers attempts from 1 (the local executor sets the same variable).
                worker.attempt = ProcessInfo.processInfo.environment["AWS_BATCH_JOB_ATTEMPT"].flatMap(Int.init) ?? 1
                _ = try await worker.run()
            case .stitch:
                let ffmpegPath: String
                do { ffmpegPath = try ToolLocator.locate(.ffmpeg, explicit: ffmpeg) } catch {
                    throw WorkerError(.unavailable, "\(error)")
                }
                _ = try await Stitcher(manifest: task.manifest, ffmpeg: ffmpegPath, control: control, emit: emit, log: log).run()
            }
        } catch let error as WorkerError {
            emit(WorkerEvent(.failed, message: error.message, code: error.code.rawValue))
            throw CommandEnd(error.code, error.message)
        } catch is CancellationError {
            throw CommandEnd(.interrupted, "interrupted while waiting for the store")
        }
    }

    /// Handle `signals` on a dispatch queue instead of dying (the default action is ignored).
    static func trap(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}
