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

    /// A run that outlived its time limit: the child was stopped, and the test fails with this.
    public struct TimedOut: Error, CustomStringConvertible {
        public var command: [String]
        public var seconds: Double
        public var stderr: String
        public var description: String {
            "\(command.joined(separator: " ")) did not finish within \(Int(seconds)) s and was stopped; its stderr ended:\n\(stderr.suffix(2000))"
        }
    }

    /// The child exited but something it started still holds its stdout or stderr open.
    public struct OutputLeftOpen: Error, CustomStringConvertible {
        public var command: [String]
        public var description: String {
            "\(command.joined(separator: " ")) exited, but a process it started still holds its stdout or stderr open"
        }
    }

    /// How long one run may take unless the caller says otherwise: long enough for any render the
    /// suite does, short enough that a hang fails its test instead of the whole CI run.
    public static let defaultTimeLimit: Double = 600

    /// Run with `arguments`, optional stdin text and extra environment, in `directory`.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, timeLimit: Double = defaultTimeLimit) throws -> Result {
        try runTool(binary, arguments, stdin: stdin, environment: environment, directory: directory, timeLimit: timeLimit)
    }

    /// Run another program the same way (Blender, ffprobe, a script). Past `timeLimit` seconds the
    /// child gets SIGTERM (SIGKILL 10 s later) and this throws `TimedOut`.
    public static func runTool(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                        directory: URL? = nil, timeLimit: Double = defaultTimeLimit) throws -> Result {
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
        let watchdog = Watchdog(process: p, after: timeLimit)
        // Read both pipes concurrently so a full pipe cannot block the child.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outBox.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        p.waitUntilExit()
        // Disarmed as soon as the child is gone, so no signal can reach a process that reuses its pid.
        let timedOut = watchdog.disarm()
        let command = [executable] + arguments
        // A background process the child started (a daemon) may still hold the pipes: do not wait for it.
        guard group.wait(timeout: .now() + 10) == .success else { throw OutputLeftOpen(command: command) }
        let stderr = String(decoding: errBox.data, as: UTF8.self)
        if timedOut { throw TimedOut(command: command, seconds: timeLimit, stderr: stderr) }
        return Result(status: p.terminationStatus, stdoutData: outBox.data, stderr: stderr)
    }

    /// A fresh temporary folder.
    public static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Stops a child that runs past its limit: SIGTERM, then SIGKILL after a grace period.
/// `@unchecked Sendable`: `fired` and `disarmed` are guarded by `lock`.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var disarmed = false

    init(process: Process, after seconds: Double) {
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            guard fire() else { return }
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in
                if stillRunning() { kill(pid, SIGKILL) }
            }
        }
    }

    /// Stop watching (the child has exited); true when the limit had already stopped it.
    func disarm() -> Bool { lock.withLock { disarmed = true; return fired } }

    private func fire() -> Bool { lock.withLock { if disarmed { return false }; fired = true; return true } }
    private func stillRunning() -> Bool { lock.withLock { !disarmed } }
}

/// `@unchecked Sendable`: written by one reader before `group.wait()` returns, read only after it did.
private final class DataBox: @unchecked Sendable { var data = Data() }
