import Foundation
import RenderPlan

/// One task's run of the in-Blender render driver (`render_driver.py`, shipped inside the binary):
/// Blender (or a Python with bpy) opens the .blend, applies the overrides with its own API, renders
/// `frames` one by one and prints a `blendbatch-frame:` line as each is saved.
public struct BlenderDriver: Sendable {
    /// What the driver reads (JSON, keys as below).
    public struct Spec: Codable, Sendable, Equatable {
        public var file: String
        public var scene: String?
        public var frames: [Int]
        /// Blender file format (`PNG`, `OPEN_EXR`, …).
        public var format: String
        /// Output pattern with `#` padding, without extension, e.g. `/work/f_######`.
        public var output: String
        public var overrides: RenderOverrides
        /// Save a display-referred PNG beside each frame (`<output>.preview.png`).
        public var previews: Bool = false
        /// false: never run the Python saved in the .blend; nil: as the user's Blender preference says.
        public var blendScripts: Bool?
    }

    public var spec: Spec

    public init(spec: Spec) { self.spec = spec }

    /// The driver's Python source.
    public static var script: String { String(decoding: PackageResources.render_driver_py, as: UTF8.self) }

    /// Write the driver and its spec into `folder`; returns the arguments that run it with `executable`.
    public func prepare(in folder: String, for executable: BlenderExecutable) throws -> [String] {
        let driver = folder + "/render_driver.py", specFile = folder + "/spec.json"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: driver))
        try StableJSON.encoder.encode(spec).write(to: URL(fileURLWithPath: specFile))
        return executable.driverArguments(driver: driver, spec: specFile)
    }
}
