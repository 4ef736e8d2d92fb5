import Foundation

/// The repository root (the folder holding Package.swift), found from this file's path.
public let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

/// `../shared` beside the repository (as CI lays it out), else `/work/shared`.
public func sharedDirectory() -> String {
    let beside = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: beside + "/testdata") ? beside : "/work/shared"
}

/// `../shared/testdata/blend-bat/NAME` (the folder without a name): real .blend files from Blender 2.79–3.02.
public func blendBat(_ name: String = "") -> String {
    sharedDirectory() + "/testdata/blend-bat" + (name.isEmpty ? "" : "/" + name)
}

/// True when running in CI, where a missing test peer is a failure, not a reason to skip.
public var runningInCI: Bool { Requirement.runningInCI }

/// The Python venv holding cfn-lint and the AWS CLI (scripts/setup creates it).
public let toolsVenv: URL = ProcessInfo.processInfo.environment["BLENDBATCH_TOOLS_VENV"].map { URL(fileURLWithPath: $0) }
    ?? repositoryRoot.appendingPathComponent(".venv-tools")

/// The first executable `name` on PATH, or nil.
public func onPath(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A fresh temporary folder, removed by the caller.
public func makeTempDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "bb-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
