import Foundation
import RenderPlan
#if canImport(Glibc)
import Glibc
#endif

/// Which Blender release an executable is: asked once per build (`blender --version`, or bpy's version
/// from a Python) and cached by the executable's path, size and time stamp, so a render's pre-flight
/// check costs a file read, not a Blender launch.
public enum BlenderProbe {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A Python interpreter without the `bpy` module.
        case noBpy(String)
        /// It could not be started.
        case cannotRun(String, reason: String)

        public var description: String {
            switch self {
            case .noBpy(let path):
                return "\(path) is a Python without the bpy module: pip install bpy (4.2, 4.5 or 5.0 on Python 3.11), or point --blender at Blender"
            case .cannotRun(let path, let reason): return "cannot run \(path): \(reason)"
            }
        }
    }

    /// The version of `executable`, or nil when it does not say (a wrapper script, a test's stand-in).
    /// - Parameter cache: a folder of ours for the answers (one small file per build).
    public static func version(of executable: BlenderExecutable, cache: String) throws(Failure) -> BlenderVersion? {
        let file = cacheFile(for: executable, in: cache)
        if let file, let text = try? String(contentsOfFile: file, encoding: .utf8) {
            return BlenderVersion(parsing: text)
        }
        let version = try ask(executable)
        if let file, let version {
            try? FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
            let temp = file + ".tmp-\(getpid())"
            if FileManager.default.createFile(atPath: temp, contents: Data("\(version)\n".utf8)) { rename(temp, file) }
        }
        return version
    }

    /// Run the executable's version command (60 s at most) and read `Blender X.Y.Z` from its output.
    static func ask(_ executable: BlenderExecutable) throws(Failure) -> BlenderVersion? {
        let child: ChildProcess
        do { child = try ChildProcess.spawn(executable.path, executable.versionArguments) } catch {
            throw .cannotRun(executable.path, reason: "\(error)")
        }
        let timer = DispatchWorkItem { child.signalGroup(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: timer)
        var version: BlenderVersion?
        var missingBpy = false
        child.readLines { line in
            if version == nil, line.hasPrefix("Blender ") { version = BlenderVersion(parsing: String(line.dropFirst(8))) }
            if line.contains("No module named 'bpy'") { missingBpy = true }
        }
        timer.cancel()
        child.wait()
        if missingBpy { throw .noBpy(executable.path) }
        return version
    }

    /// `<cache>/blender-version-<hash of path, size, mtime>`; nil when the executable cannot be read.
    static func cacheFile(for executable: BlenderExecutable, in cache: String) -> String? {
        let resolved = URL(fileURLWithPath: executable.path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
        let key = RenderPreferences.stableHash("\(executable.path)|\(resolved)|\(size)|\(modified.timeIntervalSince1970)")
        return cache + "/blender-version-" + String(format: "%08x", key)
    }
}
