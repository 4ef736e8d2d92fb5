import Foundation
import RenderPlan

/// Helpers for tests that run the executor with `Tests/Fixtures/standin-worker.py` in place of
/// `blendbatch worker`: it follows the worker's contract and can crash, hang or ignore SIGTERM on
/// demand, which a real Blender cannot be made to do; the real-render tests live in CLITests.
enum StandIn {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var workerCommand: [String] { [repoRoot + "/Tests/Fixtures/standin-worker.py"] }

    /// A fresh temp folder.
    static func folder(_ name: String = #function) -> String {
        let path = NSTemporaryDirectory() + "bb-exec-\(name.filter(\.isLetter).prefix(30))-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A job over `frames`, `chunk` frames per task, writing into `out`.
    static func manifest(out: String, frames: [Int], chunk: Int, stitch: Bool = true, allowGaps: Bool = false) -> JobManifest {
        let chunks = stride(from: 0, to: frames.count, by: chunk).enumerated().map { index, start in
            FrameChunk(index: index, frames: Array(frames[start..<min(start + chunk, frames.count)]))
        }
        return JobManifest(id: "test-\(UUID().uuidString.prefix(8).lowercased())", input: "/dev/null/demo.blend", scene: nil,
                           overrides: RenderOverrides(), chunks: chunks,
                           output: OutputSpec(location: out, name: "demo"),
                           stitch: stitch ? StitchSpec(frameRate: 24, allowGaps: allowGaps) : nil)
    }

    static func frameFiles(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out + "/frames")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
