import Foundation

/// A tiny tmpfs as an output folder, to fill a disk on purpose. Mounting needs root (this
/// machine's CI runs as root); tests that use it declare `.requires(.tmpfs)`.
public enum TinyDisk {
    /// Why a tmpfs cannot be mounted here, or nil when it can (tried once per run).
    public static let mountProblem: String? = {
        guard getuid() == 0 else { return "mounting a tmpfs needs root (the tests run as uid \(getuid()))" }
        do {
            unmount(try mount(kilobytes: 16))
            return nil
        } catch {
            return "mount -t tmpfs failed: \(error)"
        }
    }()

    /// A mount that failed: `mount`'s exit status and what it said.
    public struct MountFailed: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "exit \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// A fresh folder with a `kilobytes` tmpfs mounted on it.
    public static func mount(kilobytes: Int) throws -> String {
        let folder = Binary.folder("tiny-disk")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try CLIRunner.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder])
        guard result.status == 0 else { throw MountFailed(status: result.status, stderr: result.stderr) }
        return folder
    }

    public static func unmount(_ folder: String) {
        _ = try? CLIRunner.runTool("/bin/umount", [folder])
    }
}
