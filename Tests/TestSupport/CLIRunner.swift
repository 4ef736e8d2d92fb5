import Foundation

/// Runs the built `blendbatch` binary ($BLENDBATCH_BIN, else <repo>/.build/debug/blendbatch).
public struct CLIRunner {
    public struct Result {
        public var status: Int32
        public var stdoutData: Data
        public var stderr: String
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

        public init(status: Int32, stdoutData: Data, stderr: String) {
            self.status = status
            self.stdoutData = stdoutData
            self.stderr = stderr
        }
    }

    public static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["BLENDBATCH_BIN"], !bin.isEmpty { return bin }
        return repoRoot.appendingPathComponent(".build/debug/blendbatch").path
    }

    public static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Run with `arguments`, optional stdin text and extra environment, in `directory`.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil) throws -> Result {
        try runTool(binary, arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Run another program the same way (Blender, ffprobe, a script).
    public static func runTool(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                        directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        let errData = errBox.data
        return Result(status: p.terminationStatus, stdoutData: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder.
    public static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// `@unchecked Sendable`: written by one reader before `group.wait()` returns, read after it.
private final class DataBox: @unchecked Sendable { var data = Data() }
