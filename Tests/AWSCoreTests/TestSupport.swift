import Foundation

/// `../shared` beside the repository (as CI lays it out), else `/work/shared`.
func sharedDirectory() -> String {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let beside = repo.deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: beside) ? beside : "/work/shared"
}

/// A fresh temporary folder, removed by the caller.
func makeTempDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "awscore-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
