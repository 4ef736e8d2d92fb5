import Foundation
import Testing

/// Blender releases studios work in: files saved by 4.2, 4.5 and 5.0 (Tests/Fixtures/blend, made by
/// scripts/make-version-fixtures), rendered by the Blender that can open them: Debian's 3.4 binary, or
/// PyPI's bpy 4.2/4.5/5.0 (Blender's own build as a Python module, in venvs scripts/setup-bpy keeps).
@Suite("Blender versions (real Blender 3.4 and bpy 4.2, 4.5, 5.0)", .serialized, .requires(.blender, .bpyVenvs))
struct BlenderVersionsTests {
    static func fixture(_ version: String) -> String { Binary.repo + "/Tests/Fixtures/blend/demo-\(version).blend" }

    /// The interpreter of the bpy venv for `series` (installed on first use, as scripts/setup does).
    static func bpy(_ series: String) throws -> String {
        let result = try CLIRunner.runTool(Binary.repo + "/scripts/setup-bpy", [series])
        guard result.status == 0 else { throw Failure("scripts/setup-bpy \(series) failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Failure: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

    /// A Blender that logs every command line to `log`, then runs the real one.
    static func loggingBlender(in folder: String, real: String = "/usr/bin/blender") -> (blender: String, log: String) {
        let log = folder + "/launches.log", path = folder + "/logging-blender"
        let script = "#!/bin/sh\necho \"$*\" >> '\(log)'\nexec '\(real)' \"$@\"\n"
        FileManager.default.createFile(atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        return (path, log)
    }

    @Test("a 5.0 file and Debian's Blender 3.4: refused before any render launch, both versions named, exit 65, no resume hint")
    func gateRefusesOlderBlender() throws {
        let folder = Binary.folder("gate")
        let (blender, log) = Self.loggingBlender(in: folder)
        let result = try CLIRunner.run(["render", Self.fixture("5.0"), "--frames", "1-2", "--out", folder + "/out", "--blender", blender] + Binary.tiny,
                                       environment: ["BLENDBATCH_STATE_DIR": folder + "/state", "XDG_STATE_HOME": folder + "/xdg"])
        #expect(result.status == 65, "stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("Blender 5.0") && result.stderr.contains("3.4.1") && result.stderr.contains("--blender"))
        #expect(!result.stderr.contains("resume"))
        let launches = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(launches.split(separator: "\n") == ["--version"], "only the version was asked: \(launches)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/frames"))

        // Asked once per Blender build: a second run reads the cached answer.
        let again = try CLIRunner.run(["render", Self.fixture("5.0"), "--out", folder + "/out", "--blender", blender],
                                      environment: ["XDG_STATE_HOME": folder + "/xdg"])
        #expect(again.status == 65)
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count == 1)
    }

    @Test("--allow-older-blender lets the render go; Blender 3.4 cannot read a 5.0 file: a data error, not retried")
    func allowOlderBlender() throws {
        let folder = Binary.folder("allow")
        let result = try CLIRunner.run(["render", Self.fixture("5.0"), "--frames", "1", "--out", folder + "/out", "--allow-older-blender",
                                        "--no-video"] + Binary.tiny)
        #expect(result.status == 65, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("rendering anyway (--allow-older-blender)"))
        #expect(Binary.journal(folder + "/out").filter { $0["kind"] as? String == "start" }.count == 1, "tried once")
    }

    @Test("Blender 4.5 and 5.0 from PyPI render their own files end to end: frames, video, the driver's per-frame metrics",
          arguments: ["4.5", "5.0"])
    func bpyRenders(series: String) throws {
        let python = try Self.bpy(series)
        let out = Binary.folder("bpy-\(series)") + "/{shot}_out"  // braces: 4.5+ would read them as a path template
        let result = try CLIRunner.run(["render", Self.fixture(series), "--frames", "1-3", "--out", out, "--blender", python,
                                        "--percent", "20", "--samples", "2", "--workers", "1", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(Binary.frames(out) == (1...3).map { "demo-\(series)_000\($0).png" })
        let log = try String(contentsOfFile: try #require(Self.taskLogs(out).first), encoding: .utf8)
        #expect(log.contains("\"blender\":\"\(series)."), "the driver names the release")
        let saved = log.split(separator: "\n").filter { $0.contains("\"frame_saved\"") }
        #expect(saved.count == 3 && saved.allSatisfy { $0.contains("\"peakMemory\":") && $0.contains("\"seconds\":") })
        #expect(try MediaCheck.videoFrames(out + "/demo-\(series).mp4") == 3)
    }

    @Test("a 4.5 file with bpy 4.2: a newer minor of the same major warns and renders")
    func newerMinorWarns() throws {
        let python = try Self.bpy("4.2")
        let out = Binary.folder("minor") + "/out"
        let result = try CLIRunner.run(["render", Self.fixture("4.5"), "--frames", "1", "--out", out, "--blender", python,
                                        "--percent", "20", "--samples", "2", "--no-video"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("saved by Blender 4.5, newer than") && result.stderr.contains("4.2.23"))
        #expect(Binary.frames(out) == ["demo-4.5_0001.png"])
    }

    @Test("engine names map to the running Blender's own ID: eevee is BLENDER_EEVEE_NEXT in 4.2-4.5, BLENDER_EEVEE in 3.4 and 5.0",
          arguments: [("3.4", "BLENDER_EEVEE"), ("4.2", "BLENDER_EEVEE_NEXT"), ("4.5", "BLENDER_EEVEE_NEXT"), ("5.0", "BLENDER_EEVEE")])
    func engineNames(series: String, expected: String) throws {
        let driver = Binary.repo + "/Sources/Render/Blender"
        let probe = """
            import sys; sys.path.insert(0, '\(driver)')
            import bpy, render_driver as d
            r = bpy.context.scene.render
            for name in ('eevee', 'EEVEE', 'blender_eevee_next', 'Cycles', 'workbench'):
                d.set_engine(r, name); print('engine', name, r.engine)
            """
        let result = series == "3.4"
            ? try CLIRunner.runTool("/usr/bin/blender", ["-b", "--factory-startup", "--python-expr", probe])
            : try CLIRunner.runTool(try Self.bpy(series), ["-c", probe])
        let engines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("engine ") }.map { String($0.split(separator: " ")[2]) }
        #expect(engines == [expected, expected, expected, "CYCLES", "BLENDER_WORKBENCH"], "\(result.stdout)\(result.stderr)")
    }

    @Test("--device cuda on a machine without one: exit 69 and one line naming the device, not retried")
    func missingGPU() throws {
        let out = Binary.folder("gpu") + "/out"
        let result = try CLIRunner.run(["render", Binary.demo, "--frames", "1", "--out", out, "--device", "cuda", "--no-video"] + Binary.tiny)
        #expect(result.status == 69, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no CUDA device found"))
        #expect(Binary.journal(out).filter { $0["kind"] as? String == "start" }.count == 1)
        let bad = try CLIRunner.run(["render", Binary.demo, "--device", "tpu", "--out", out])
        #expect(bad.status == 64 && bad.stderr.contains("device tpu"))
    }

    @Test("a Python without bpy as --blender: exit 69 naming the interpreter, before any task")
    func pythonWithoutBpy() throws {
        let out = Binary.folder("nobpy") + "/out"
        let result = try CLIRunner.run(["render", Binary.demo, "--frames", "1", "--out", out, "--blender", "/usr/bin/python3"])
        #expect(result.status == 69, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("/usr/bin/python3 is a Python without the bpy module"))
        #expect(!FileManager.default.fileExists(atPath: out + "/.blendbatch/jobs"))
    }

    @Test("a scene without a camera is refused before planning (65); an EXR scene keeps writing EXR frames")
    func cameraAndFormat() throws {
        let folder = Binary.folder("variants")
        let noCamera = folder + "/no-camera.blend", exr = folder + "/exr.blend", denoise = folder + "/denoise.blend"
        let gpu = folder + "/gpu.blend"
        let script = """
            import bpy, os
            bpy.context.preferences.filepaths.save_version = 0
            scene = bpy.context.scene
            scene.render.image_settings.file_format = 'OPEN_EXR'
            bpy.ops.wm.save_as_mainfile(filepath='\(exr)', copy=True)
            scene.render.image_settings.file_format = 'PNG'
            scene.cycles.use_denoising = True
            bpy.ops.wm.save_as_mainfile(filepath='\(denoise)', copy=True)
            scene.cycles.use_denoising = False
            scene.cycles.device = 'GPU'
            bpy.ops.wm.save_as_mainfile(filepath='\(gpu)', copy=True)
            scene.camera = None
            bpy.ops.wm.save_as_mainfile(filepath='\(noCamera)', copy=True)
            """
        let made = try CLIRunner.runTool("/usr/bin/blender", ["-b", Binary.demo, "--python-exit-code", "1", "--python-expr", script])
        #expect(made.status == 0, "\(made.stderr)")
        let refused = try CLIRunner.run(["render", noCamera, "--out", folder + "/o1"])
        #expect(refused.status == 65, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("has no camera"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/o1/.blendbatch/jobs"))
        let rendered = try CLIRunner.run(["render", exr, "--frames", "1-2", "--out", folder + "/o2", "--workers", "1"] + Binary.tiny)
        #expect(rendered.status == 0, "stderr: \(rendered.stderr)")
        #expect(Binary.frames(folder + "/o2") == ["exr_0001.exr", "exr_0002.exr"])
        // The video is made from display-referred previews: the colours of a PNG render of the frame (up to
        // Blender's dither noise), where the EXR decoded as it is is far off (scene-linear, no view transform).
        let png = try CLIRunner.run(["render", exr, "--frames", "1", "--format", "PNG", "--out", folder + "/o3", "--no-video"] + Binary.tiny)
        #expect(png.status == 0, "stderr: \(png.stderr)")
        let direct = try Self.pixels(folder + "/o3/frames/exr_0001.png")
        let preview = try Self.pixels(folder + "/o2/previews/exr_0001.png"), raw = try Self.pixels(folder + "/o2/frames/exr_0001.exr")
        #expect(direct.count == 64 * 36 * 3 && preview.count == direct.count && raw.count == direct.count)
        #expect(Self.meanDifference(preview, direct) < 2, "preview vs PNG: \(Self.meanDifference(preview, direct))")
        #expect(Self.meanDifference(raw, direct) > 10, "the EXR as it is: \(Self.meanDifference(raw, direct))")
        #expect(try MediaCheck.videoFrames(folder + "/o2/exr.mp4") == 2)

        // Denoising asked by the scene, on a Blender without OpenImageDenoise: one warning, frames all the same;
        // asked for on the command line: exit 69 before a frame.
        let noisy = try CLIRunner.run(["render", denoise, "--frames", "1", "--out", folder + "/o4", "--no-video"] + Binary.tiny)
        #expect(noisy.status == 0, "stderr: \(noisy.stderr)")
        #expect(Binary.frames(folder + "/o4") == ["denoise_0001.png"])
        let log = Self.taskLogs(folder + "/o4").compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined()
        #expect(log.contains("has no OpenImageDenoise: denoising turned off"))
        let forced = try CLIRunner.run(["render", denoise, "--frames", "1", "--out", folder + "/o5", "--denoise", "on", "--no-video"] + Binary.tiny)
        #expect(forced.status == 69 && forced.stderr.contains("no OpenImageDenoise"), "stderr: \(forced.stderr)")

        // A scene saved to render on the GPU, on a machine without one: the CPU renders it, with a warning.
        let onCPU = try CLIRunner.run(["render", gpu, "--frames", "1", "--out", folder + "/o6", "--no-video"] + Binary.tiny)
        #expect(onCPU.status == 0, "stderr: \(onCPU.stderr)")
        #expect(Binary.frames(folder + "/o6") == ["gpu_0001.png"])
        let gpuLog = Self.taskLogs(folder + "/o6").compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined()
        #expect(gpuLog.contains("the scene renders on the GPU, but Cycles finds none on this machine: rendering on the CPU"))
    }

    /// A picture's decoded pixels, 8-bit RGB.
    static func pixels(_ file: String) throws -> [UInt8] {
        let decoded = try CLIRunner.runTool("/usr/bin/ffmpeg", ["-v", "error", "-i", file, "-pix_fmt", "rgb24", "-f", "rawvideo", "-"])
        return [UInt8](decoded.stdoutData)
    }

    /// Mean absolute difference of two pictures' channel values (0-255).
    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    static func taskLogs(_ out: String) -> [String] {
        let jobs = out + "/.blendbatch/jobs"
        guard let id = (try? FileManager.default.contentsOfDirectory(atPath: jobs))?.sorted().last,
              let names = try? FileManager.default.contentsOfDirectory(atPath: "\(jobs)/\(id)/logs") else { return [] }
        return names.filter { $0.hasPrefix("task-") }.sorted().map { "\(jobs)/\(id)/logs/\($0)" }
    }
}
