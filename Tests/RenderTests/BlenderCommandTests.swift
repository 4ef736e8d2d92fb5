import Foundation
import Testing
import RenderPlan
@testable import Render

@Suite("Blender command lines")
struct BlenderCommandTests {
    func command(_ frames: String, overrides: RenderOverrides = RenderOverrides()) throws -> BlenderCommand {
        BlenderCommand(blendFile: "/in/shot.blend", scene: "Main", overrides: overrides, outputPattern: "/w/f_######",
                       format: "png", frames: try FrameSet(parsing: frames))
    }

    @Test("one arithmetic run renders with -s/-e/-j -a; anything else with -f; frame arguments come last")
    func frameArguments() throws {
        #expect(BlenderCommand.frameArguments(try FrameSet(parsing: "1001-1010")) == ["-s", "1001", "-e", "1010", "-j", "1", "-a"])
        #expect(BlenderCommand.frameArguments(try FrameSet(parsing: "3-9:3")) == ["-s", "3", "-e", "9", "-j", "3", "-a"])
        #expect(BlenderCommand.frameArguments(try FrameSet(parsing: "7")) == ["-s", "7", "-e", "7", "-j", "1", "-a"])
        #expect(BlenderCommand.frameArguments(try FrameSet(parsing: "1,4-6,10")) == ["-f", "1,4..6,10"])
        #expect(BlenderCommand.frameArguments(try FrameSet(parsing: "1-9:4,20")) == ["-f", "1,5,9,20"])
        let args = try command("1-3", overrides: RenderOverrides(threads: 2)).arguments()
        #expect(Array(args.prefix(4)) == ["-b", "/in/shot.blend", "-S", "Main"])
        #expect(args.suffix(7) == ["-s", "1", "-e", "3", "-j", "1", "-a"])
        #expect(args.contains("-t") && args[args.firstIndex(of: "-t")! + 1] == "2")
        #expect(args[args.firstIndex(of: "-F")! + 1] == "PNG")
        #expect(args.firstIndex(of: "--python-exit-code")! < args.firstIndex(of: "--python-expr")!)
    }

    @Test("negative frames and empty sets are refused before Blender runs")
    func invalid() throws {
        #expect(throws: BlenderCommand.Invalid.negativeFrames(FrameSet([-2, -1]))) { try command("-2-3").arguments() }
        let empty = BlenderCommand(blendFile: "a", scene: nil, overrides: RenderOverrides(), outputPattern: "o", format: "PNG", frames: FrameSet([]))
        #expect(throws: BlenderCommand.Invalid.noFrames) { try empty.arguments() }
    }

    @Test("the override script sets what was asked, checks scene and camera, and quotes names safely")
    func script() throws {
        let script = try command("1", overrides: RenderOverrides(resolutionPercentage: 25, samples: 8, engine: "eevee",
                                                                 camera: "Cam 'A'\\")).overrideScript()
        #expect(script.contains("r.resolution_percentage = 25"))
        #expect(script.contains("sc.cycles.samples = 8") && script.contains("sc.eevee.taa_render_samples = 8"))
        #expect(script.contains("sc.cycles.use_denoising = False"))
        #expect(script.contains(#"'Cam \'A\'\\'"#))
        #expect(script.contains("_bb_want = 'Main'"))
        #expect(!(try command("1", overrides: RenderOverrides(denoise: true)).overrideScript().contains("use_denoising")))
    }

    @Test("the override script is valid Python that Blender accepts, and a bad engine is a data error")
    func realBlenderChecksEngine() throws {
        let cmd = BlenderCommand(blendFile: TestSupport.demoBlend, scene: "Demo",
                                 overrides: RenderOverrides(engine: "nonsense"), outputPattern: "/tmp/x", format: "PNG",
                                 frames: try FrameSet(parsing: "1"))
        let child = try ChildProcess.spawn(TestSupport.blender, Array(try cmd.arguments().dropLast(7)))
        var parser = BlenderLogParser()
        child.readLines { _ = parser.parse($0) }
        #expect(child.wait() == .exited(65))
        #expect(parser.lastError?.contains("unknown render engine 'NONSENSE'") == true)
    }
}

@Suite("Tool lookup")
struct ToolLocatorTests {
    @Test("explicit path, then BLENDBATCH_BLENDER, then PATH; a clear error when missing")
    func locate() throws {
        #expect(try ToolLocator.locate(.blender, explicit: "/bin/sh") == "/bin/sh")
        #expect(try ToolLocator.locate(.blender, environment: ["BLENDBATCH_BLENDER": "/bin/true", "PATH": ""]) == "/bin/true")
        #expect(try ToolLocator.locate(.ffmpeg, environment: ["PATH": "/usr/bin"]) == "/usr/bin/ffmpeg")
        do {
            _ = try ToolLocator.locate(.blender, environment: ["PATH": "/nonexistent"])
            Issue.record("found a blender")
        } catch let error as ToolLocator.NotFound {
            #expect(error.description.contains("--blender") && error.description.contains("BLENDBATCH_BLENDER"))
        }
        #expect(throws: ToolLocator.NotFound.self) { try ToolLocator.locate(.blender, explicit: "/no/such/blender") }
    }
}
