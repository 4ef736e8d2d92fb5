import Foundation
import RenderPlan

/// The command line of one headless Blender run:
/// `-b FILE [-S SCENE] --python-exit-code 65 --python-expr <overrides> -o PATTERN -F FORMAT -x 1 [-t N] FRAMES`
/// where FRAMES is `-s A -e B -j STEP -a` for one arithmetic run and `-f a..b,c,…` otherwise
/// (frame arguments always last: Blender executes its arguments in order).
public struct BlenderCommand: Sendable, Equatable {
    public var blendFile: String
    public var scene: String?
    public var overrides: RenderOverrides
    /// Output pattern with `#` padding, e.g. `/tmp/work/f_######` (Blender adds the extension).
    public var outputPattern: String
    /// Blender file format: PNG, JPEG, OPEN_EXR, …
    public var format: String
    public var frames: FrameSet

    /// Exit code our override script uses for bad input (unknown scene or camera, bad engine).
    public static let dataErrorExit: Int32 = 65

    public enum Invalid: Error, CustomStringConvertible, Equatable {
        case noFrames
        case negativeFrames(FrameSet)
        public var description: String {
            switch self {
            case .noFrames: return "no frames to render"
            case .negativeFrames(let frames):
                return "Blender cannot render negative frame numbers from the command line (frames \(frames))"
            }
        }
    }

    public init(blendFile: String, scene: String?, overrides: RenderOverrides, outputPattern: String,
                format: String, frames: FrameSet) {
        self.blendFile = blendFile
        self.scene = scene
        self.overrides = overrides
        self.outputPattern = outputPattern
        self.format = format
        self.frames = frames
    }

    /// Blender's arguments (without the executable).
    public func arguments() throws(Invalid) -> [String] {
        guard let first = frames.first else { throw .noFrames }
        guard first >= 0 else { throw .negativeFrames(FrameSet(frames.filter { $0 < 0 })) }
        var args = ["-b", blendFile]
        if let scene { args += ["-S", scene] }
        args += ["--python-exit-code", String(Self.dataErrorExit), "--python-expr", overrideScript()]
        args += ["-o", outputPattern, "-F", format.uppercased(), "-x", "1"]
        if let threads = overrides.threads, threads > 0 { args += ["-t", String(threads)] }
        args += Self.frameArguments(frames)
        return args
    }

    /// `-s A -e B -j STEP -a` for a single arithmetic run, else `-f` with `a..b` runs and single frames.
    public static func frameArguments(_ frames: FrameSet) -> [String] {
        let runs = frames.runs
        if runs.count == 1, let run = runs.first {
            return ["-s", String(run.start), "-e", String(run.end), "-j", String(run.step), "-a"]
        }
        let list = runs.flatMap { run -> [String] in
            if run.step == 1 && run.start != run.end { return ["\(run.start)..\(run.end)"] }
            return run.frames.map(String.init)
        }
        return ["-f", list.joined(separator: ",")]
    }

    /// Python run after the file loads: checks the scene and camera exist, applies overrides, and
    /// makes output predictable. Prints `blendbatch-error: …` and exits 65 on bad input.
    public func overrideScript() -> String {
        var lines = [
            "import bpy, sys",
            "def _bb_fail(message):",
            "    print('\(BlenderLogParser.errorMarker)' + message, flush=True)",
            "    sys.exit(\(Self.dataErrorExit))",
            "_bb_want = \(Self.pythonString(scene))",
            "sc = bpy.context.scene",
            "if _bb_want is not None and sc.name != _bb_want:",
            "    _bb_fail('scene %r not found; the file has: %s' % (_bb_want, ', '.join(s.name for s in bpy.data.scenes)))",
            "r = sc.render",
            "r.use_file_extension = True",
            "r.use_overwrite = True",
            "r.use_placeholder = False",
        ]
        if let engine = overrides.engine {
            lines += [
                "_bb_names = {'CYCLES': ['CYCLES'], 'EEVEE': ['BLENDER_EEVEE_NEXT', 'BLENDER_EEVEE'], 'BLENDER_EEVEE': ['BLENDER_EEVEE_NEXT', 'BLENDER_EEVEE'], 'WORKBENCH': ['BLENDER_WORKBENCH'], 'BLENDER_WORKBENCH': ['BLENDER_WORKBENCH']}",
                "_bb_engine = \(Self.pythonString(engine.uppercased()))",
                "for _bb_name in _bb_names.get(_bb_engine, [_bb_engine]):",
                "    try:",
                "        r.engine = _bb_name",
                "        break",
                "    except TypeError:",
                "        pass",
                "else:",
                "    _bb_fail('unknown render engine %r (use cycles, eevee or workbench)' % _bb_engine)",
            ]
        }
        if let percent = overrides.resolutionPercentage { lines.append("r.resolution_percentage = \(percent)") }
        if let x = overrides.resolutionX { lines.append("r.resolution_x = \(x)") }
        if let y = overrides.resolutionY { lines.append("r.resolution_y = \(y)") }
        if let samples = overrides.samples {
            lines += [
                "if hasattr(sc, 'cycles'): sc.cycles.samples = \(samples)",
                "if hasattr(sc, 'eevee'): sc.eevee.taa_render_samples = \(samples)",
            ]
        }
        if overrides.denoise == false {
            lines += [
                "if hasattr(sc, 'cycles'):",
                "    sc.cycles.use_denoising = False",
                "    for _bb_layer in sc.view_layers:",
                "        if hasattr(_bb_layer, 'cycles'): _bb_layer.cycles.use_denoising = False",
            ]
        }
        if let camera = overrides.camera {
            lines += [
                "_bb_camera = bpy.data.objects.get(\(Self.pythonString(camera)))",
                "if _bb_camera is None or _bb_camera.type != 'CAMERA':",
                "    _bb_fail('camera %r not found; cameras: %s' % (\(Self.pythonString(camera)), ', '.join(o.name for o in bpy.data.objects if o.type == 'CAMERA')))",
                "sc.camera = _bb_camera",
            ]
        }
        lines += [
            "if sc.camera is None:",
            "    _bb_fail('scene %r has no camera' % sc.name)",
        ]
        return lines.joined(separator: "\n")
    }

    /// A Python string literal (or `None`) for arbitrary text.
    static func pythonString(_ text: String?) -> String {
        guard let text else { return "None" }
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += String(format: "\\x%02x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "'"
    }
}
