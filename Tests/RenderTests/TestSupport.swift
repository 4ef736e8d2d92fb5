import Foundation
import ObjectStore
import RenderPlan
@testable import Render

/// Shared fixtures for the render tests: the repository, a demo .blend made once per run,
/// tiny-render manifests and temp folders.
enum TestSupport {
    /// The repository root (…/Tests/RenderTests/TestSupport.swift → …).
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: repo + "/Tests/Fixtures/blender-logs/" + name, encoding: .utf8)
    }

    /// `../shared/testdata/blend-bat/NAME`: real .blend files from Blender 2.79–3.02.
    static func blendBat(_ name: String) -> String { sharedDirectory() + "/testdata/blend-bat/" + name }

    static func temporaryFolder(_ label: String) -> String {
        let path = FileManager.default.temporaryDirectory.path + "/bb-test-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// demo.blend written by `scripts/make-demo`, once per test process.
    static let demoBlend: String = {
        let folder = temporaryFolder("demo")
        let path = folder + "/demo.blend"
        let made = try! CLIRunner.runTool(repo + "/scripts/make-demo", [path])
        precondition(made.status == 0, "make-demo failed: \(made.output)")
        return path
    }()

    static var blender: String { try! ToolLocator.locate(.blender) }
    static var ffmpeg: String { try! ToolLocator.locate(.ffmpeg) }

    /// Tiny render settings: 64x36, 2 samples, Cycles, no denoising.
    static let tiny = RenderOverrides(resolutionPercentage: 100, resolutionX: 64, resolutionY: 36, samples: 2,
                                      engine: "cycles", threads: 1)

    static func manifest(frames: String, chunk: Int = 100, input: String? = nil, out: String, scene: String? = "Demo",
                         overrides: RenderOverrides = tiny, stitch: StitchSpec? = StitchSpec(frameRate: 24)) throws -> JobManifest {
        try JobManifest.plan(id: "test", input: input ?? demoBlend, scene: scene, frames: try FrameSet(parsing: frames),
                             chunking: .frames(chunk), overrides: overrides,
                             output: OutputSpec(location: out, name: "demo"), stitch: stitch)
    }

    /// Frame numbers present in `<out>/frames`, and whether anything else (temp files) is there.
    static func framesOnDisk(_ out: String) -> (frames: [Int], others: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out + "/frames")) ?? []
        var frames: [Int] = [], others: [String] = []
        for name in names {
            if name.hasPrefix("demo_"), name.hasSuffix(".png"), let n = Int(name.dropFirst(5).dropLast(4)) { frames.append(n) } else { others.append(name) }
        }
        return (frames.sorted(), others)
    }

    /// Collects worker events (thread-safe).
    final class Events: @unchecked Sendable {  // @unchecked: `items` is only touched under `lock`.
        private let lock = NSLock()
        private var items: [WorkerEvent] = []
        var onEvent: (@Sendable (WorkerEvent) -> Void)?
        func add(_ event: WorkerEvent) {
            lock.withLock { items.append(event) }
            onEvent?(event)
        }
        var all: [WorkerEvent] { lock.withLock { items } }
        func frames(_ kind: WorkerEvent.Kind) -> [Int] { all.filter { $0.event == kind }.compactMap(\.frame) }
    }

    /// Write an executable shell script (a stand-in Blender or FFmpeg).
    static func script(_ body: String, in folder: String, name: String = "fake-blender") -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(("#!/bin/sh\n" + body + "\n").utf8),
                                       attributes: [.posixPermissions: 0o755])
        return path
    }

    /// ffprobe's view of a video: (frame count, frame rate string, width, height).
    static func probe(_ file: String) throws -> (frames: Int, rate: String, width: Int, height: Int) {
        let ffprobe = try ToolLocator.locate(.ffprobe)
        let probe = try CLIRunner.runTool(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                                    "-show_entries", "stream=nb_read_frames,r_frame_rate,width,height",
                                                    "-of", "default=noprint_wrappers=1", file])
        var values: [String: String] = [:]
        for line in probe.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return (Int(values["nb_read_frames"] ?? "") ?? -1, values["r_frame_rate"] ?? "?",
                Int(values["width"] ?? "") ?? -1, Int(values["height"] ?? "") ?? -1)
    }
}
