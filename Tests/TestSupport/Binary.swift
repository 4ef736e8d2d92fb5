import Foundation
import Testing

/// Starting the built `blendbatch` in the background (`CLIRunner.run` runs it to its end), and
/// looking at what it left: frames, journal, processes.
public enum Binary {
    public static let repo = repositoryRoot.path
    public static var binary: String { CLIRunner.binary }
    public static let tiny = ["--percent", "20", "--samples", "2", "--workers", "2"]

    public static func folder(_ label: String) -> String {
        let path = FileManager.default.temporaryDirectory.path + "/bb-render-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The demo .blend (made once by scripts/make-demo: 320x180, frames 1-48, 24 fps).
    public static let demo: String = {
        let path = folder("demo") + "/demo.blend"
        _ = try? CLIRunner.runTool(repo + "/scripts/make-demo", [path])
        return path
    }()

    /// Start `blendbatch args…`, every descendant marked with `BB_TEST_MARK=<mark>` in its environment.
    public static func start(_ arguments: [String], mark: String, environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BB_TEST_MARK"] = mark
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Pids whose environment has `BB_TEST_MARK=<mark>` and whose command line contains `word`.
    public static func marked(_ mark: String, command word: String? = nil) -> [Int32] {
        let needle = Array("BB_TEST_MARK=\(mark)".utf8) + [0]
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
        return pids.filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  [UInt8](environ).split(separator: 0).contains(where: { Array($0) + [0] == needle }) else { return false }
            guard let word else { return true }
            let cmdline = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self)
            return cmdline.replacingOccurrences(of: "\0", with: " ").contains(word)
        }
    }

    public static func frames(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out + "/frames")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    public static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    public static func journal(_ out: String) -> [[String: Any]] {
        let jobs = out + "/.blendbatch/jobs"
        guard let id = (try? FileManager.default.contentsOfDirectory(atPath: jobs))?.sorted().last,
              let text = try? String(contentsOfFile: "\(jobs)/\(id)/journal.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public static func waitFor(seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        try await waitUntil(seconds: seconds, condition)
    }
}
