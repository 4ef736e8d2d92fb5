import BlendFile
import Foundation
import Render
import RenderPlan

/// The Blender a job will render with, as far as the submitting machine can tell.
public struct Renderer: Sendable, Equatable {
    /// Its release; nil when it does not say (a wrapper script, a job definition without a version).
    public var version: BlenderVersion?
    /// How to name it in messages: `Blender at /usr/bin/blender`, `job definition blendbatch-worker:3`.
    public var name: String
    /// What to do when it is too old for a file.
    public var advice: String

    public init(version: BlenderVersion?, name: String, advice: String) {
        self.version = version
        self.name = name
        self.advice = advice
    }

    /// The Blender local tasks run (`--blender`, `BLENDBATCH_BLENDER`, then PATH), its version asked
    /// once per build and cached under the state folder. Nil when there is none: the task says so (69).
    public static func local(environment: [String: String]) throws(RenderRequest.Problem) -> Renderer? {
        guard let path = try? ToolLocator.locate(.blender, environment: environment) else { return nil }
        let executable = BlenderExecutable(path: path)
        do {
            return Renderer(version: try BlenderProbe.version(of: executable, cache: StateDirectory.base + "/blender"),
                            name: "the Blender at \(path)",
                            advice: "render with that release or newer: --blender PATH or BLENDBATCH_BLENDER "
                                + "(a Blender from blender.org, or a Python with PyPI bpy)")
        } catch {
            throw RenderRequest.Problem(code: .unavailable, message: error.description)
        }
    }
}

/// The pre-flight check of every backend, before any task is planned: the Blender that renders must
/// be able to open the .blend and every library it links, and the scene must have a camera.
public enum BlenderGate {
    /// Throws a data error (65) when the renderer is older than a file (unless `allowOlder`) or the
    /// scene cannot render; returns warnings to show (a newer minor release, an unknown version).
    public static func check(file: String, scene: SceneInfo, camera: String?, renderer: Renderer?,
                             allowOlder: Bool) throws(RenderRequest.Problem) -> [String] {
        let name = (file as NSString).lastPathComponent
        if camera == nil, scene.camera == nil {
            throw RenderRequest.Problem(code: .dataError, message: "\(name): scene '\(scene.name)' has no camera: add one in Blender "
                                        + "(Add › Camera, then Scene Properties › Camera) and save, or pick another scene with --scene")
        }
        guard let renderer else { return [] }
        guard let rendererVersion = renderer.version else {
            return ["cannot tell which Blender release \(renderer.name) is; rendering without checking that it can open \(name)"]
        }
        var warnings: [String] = []
        for (path, saved) in savedBy(file) {
            let what = path == file ? name : "\(name) links \((path as NSString).lastPathComponent), which"
            switch BlenderCompatibility(file: saved, renderer: rendererVersion) {
            case .compatible:
                continue
            case .newerMinor:
                warnings.append("\(what) was saved by Blender \(saved), newer than \(renderer.name) (\(rendererVersion)): "
                                + "rendering anyway; what \(saved) added may be missing from the frames")
            case .tooOld:
                if allowOlder {
                    warnings.append("\(what) was saved by Blender \(saved) and \(renderer.name) is \(rendererVersion): "
                                    + "rendering anyway (--allow-older-blender); expect crashes or missing data")
                    continue
                }
                throw RenderRequest.Problem(code: .dataError, message: "\(what) was saved by Blender \(saved), and \(renderer.name) is "
                                            + "\(rendererVersion), too old to open it: \(renderer.advice); or --allow-older-blender to try anyway")
            }
        }
        return warnings
    }

    /// The release that saved `file` and each library it links, newest first (the file itself first
    /// among equals, and alone when its libraries cannot be read); empty when it is not a local .blend.
    static func savedBy(_ file: String) -> [(String, BlenderVersion)] {
        guard let bundle = try? InputBundle.collect(blend: file) else {
            let info = try? BlendFileReader.read(path: file)
            return info.flatMap { BlenderVersion(parsing: $0.blenderVersion) }.map { [(file, $0)] } ?? []
        }
        let main = (bundle.root as NSString).appendingPathComponent(bundle.blend)
        return bundle.savedBy.map { ($0.key == main ? file : $0.key, $0.value) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 == file }
    }
}
