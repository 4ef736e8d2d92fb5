import Foundation
import Testing

/// The repository root (the folder holding Package.swift), found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

/// True when running in CI, where a missing test peer is a failure, not a reason to skip.
let runningInCI = ProcessInfo.processInfo.environment["CI"] == "true"

/// The Python venv holding cfn-lint and the AWS CLI (scripts/setup creates it).
let toolsVenv: URL = ProcessInfo.processInfo.environment["BLENDBATCH_TOOLS_VENV"].map { URL(fileURLWithPath: $0) }
    ?? repositoryRoot.appendingPathComponent(".venv-tools")

/// Run a program and collect its exit status and output (stdout and stderr together).
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
