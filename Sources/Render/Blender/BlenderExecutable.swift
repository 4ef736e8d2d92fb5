import Foundation
import RenderPlan

/// The program that renders: Blender itself, or a Python interpreter that can `import bpy` (PyPI
/// `bpy`, Blender built as a module). Which one is detected from the executable's name (`python…`,
/// symbolic links followed), never configured.
public struct BlenderExecutable: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case blender, python }

    public var path: String
    public var kind: Kind

    public init(path: String) {
        self.path = path
        self.kind = Self.looksLikePython(path) ? .python : .blender
    }

    /// The command line that runs the render driver on `spec` (the driver's path and its job spec).
    public func driverArguments(driver: String, spec: String) -> [String] {
        switch kind {
        // Blender starts empty and the driver opens the file; an uncaught Python error is a render failure.
        case .blender: ["-b", "--python-exit-code", String(ExitCode.renderFailure.rawValue), "--python", driver, "--", spec]
        case .python: [driver, spec]
        }
    }

    /// The arguments that print the version: `blender --version`, or bpy's version from Python.
    var versionArguments: [String] {
        switch kind {
        case .blender: ["--version"]
        case .python: ["-c", "import bpy; print('Blender', bpy.app.version_string)"]
        }
    }

    static func looksLikePython(_ path: String) -> Bool {
        let names = [path, (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? path,
                     URL(fileURLWithPath: path).resolvingSymlinksInPath().path]
        return names.contains { name in
            let base = (name as NSString).lastPathComponent
            return base.hasPrefix("python") && base.dropFirst(6).allSatisfy { $0.isNumber || $0 == "." }
        }
    }
}
