import Foundation

/// The one way tests run a program to its end: its output collected, within a time limit.
extension CLIRunner {
    public struct Result {
        public var status: Int32
        public var stdoutData: Data
        public var stderr: String
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        /// stdout, then stderr (each whole, not interleaved as a terminal shows them).
        public var output: String { stdout + stderr }

        public init(status: Int32, stdoutData: Data, stderr: String) {
            self.status = status
            self.stdoutData = stdoutData
            self.stderr = stderr
        }
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

    /// Run `executable` with `arguments`, optional stdin text, in `directory`. Its environment is this
    /// process's with `environment` over it, or `environment` alone when `inherit` is false.
    /// `onLine` sees each stdout line as it comes, with the child's pid (to signal it). Past
    /// `timeLimit` seconds the child gets SIGTERM (SIGKILL 10 s later) and this throws `TimedOut`.
    public static func runTool(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                               inherit: Bool = true, directory: URL? = nil, timeLimit: Double = defaultTimeLimit,
                               onLine: (@Sendable (String, Int32) -> Void)? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = inherit ? ProcessInfo.processInfo.environment.merging(environment) { _, new in new } : environment
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let watchdog = Watchdog(process: p, after: timeLimit)
        // Read both pipes concurrently so a full pipe cannot block the child.
        let pid = p.processIdentifier
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            outBox.data = readToEnd(out.fileHandleForReading, onLine: onLine.map { seen in { seen($0, pid) } })
        }
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
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

    /// Everything `handle` yields until end of file; each whole line also goes to `onLine` as it arrives.
    private static func readToEnd(_ handle: FileHandle, onLine: ((String) -> Void)?) -> Data {
        guard let onLine else { return handle.readDataToEndOfFile() }
        var data = Data()
        var lineStart = 0
        while case let chunk = handle.availableData, !chunk.isEmpty {
            data.append(chunk)
            while let newline = data[lineStart...].firstIndex(of: 0x0A) {
                onLine(String(decoding: data[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
            }
        }
        return data
    }
}

/// `@unchecked Sendable`: written by one reader before `group.wait()` returns, read only after it did.
private final class DataBox: @unchecked Sendable { var data = Data() }
