import Foundation

/// Runs programs from tests: the built `blendbatch` binary ($BLENDBATCH_BIN, else
/// <repo>/.build/debug/blendbatch) with `run`, anything else with `runTool` (ToolRun.swift).
public enum CLIRunner {
    public static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["BLENDBATCH_BIN"], !bin.isEmpty { return bin }
        return repoRoot.appendingPathComponent(".build/debug/blendbatch").path
    }

    public static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Run `blendbatch` with `arguments`, as `runTool` runs a program.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], inherit: Bool = true,
                           directory: URL? = nil, timeLimit: Double = defaultTimeLimit,
                           onLine: (@Sendable (String, Int32) -> Void)? = nil) throws -> Result {
        try runTool(binary, arguments, stdin: stdin, environment: environment, inherit: inherit, directory: directory,
                    timeLimit: timeLimit, onLine: onLine)
    }

    /// A fresh temporary folder.
    public static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
