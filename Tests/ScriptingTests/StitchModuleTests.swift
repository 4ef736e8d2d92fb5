import Foundation
import Testing
import LuaKit
@testable import Scripting

/// Real FFmpeg through the Lua `stitch` module, on generated 64x36 frames.
@Suite("Lua module: stitch", .serialized, .requires(.ffmpeg))
struct StitchModuleTests {
    /// A folder with `<folder>/frames/shot_0001.png` … for `frames`.
    func folder(frames: [Int]) throws -> String {
        let out = FileManager.default.temporaryDirectory.path + "/bb-lua-stitch-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: out + "/frames", withIntermediateDirectories: true)
        _ = try CLIRunner.runTool("/usr/bin/env", ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=24",
                                                   "-frames:v", String(frames.count), out + "/src_%04d.png"])
        for (index, frame) in frames.enumerated() {
            try FileManager.default.moveItem(atPath: out + String(format: "/src_%04d.png", index + 1),
                                             toPath: out + String(format: "/frames/shot_%04d.png", frame))
        }
        return out
    }

    @Test("video, gif and contact_sheet return the paths they wrote")
    func outputs() throws {
        let out = try folder(frames: [1, 3, 5, 7])
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [out]))
        let r = try lua.run("""
            local s = require 'stitch'
            return s.video{out = '\(out)', frames = '1-7:2', fps = 12},
                   s.gif{out = '\(out)', frames = {1, 3, 5, 7}, name = 'shot'},
                   s.contact_sheet{out = '\(out)', frames = '1-7:2'}
            """)
        #expect(r == [.string(out + "/shot.mp4"), .string(out + "/shot.gif"), .string(out + "/contact_sheet.png")])
        for file in ["shot.mp4", "shot.gif", "contact_sheet.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file))
        }
    }

    @Test("a gap returns nil, message naming the frame, code; a bad table raises")
    func errors() throws {
        let out = try folder(frames: [1, 2, 4])
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [out]))
        let r = try lua.run("return require('stitch').video{out = '\(out)', frames = '1-4'}")
        #expect(r.first == .nil)
        #expect(r[1].stringValue?.contains("missing: 3") == true)
        #expect(try lua.run("return require('stitch').video{out = '\(out)', frames = '1-4', allow_gaps = true}")
                == [.string(out + "/shot.mp4")])
        let raised = try lua.run("return pcall(require('stitch').video, {frames = '1-4'})")
        #expect(raised.first == false)
        #expect(raised[1].stringValue?.contains("out") == true)
    }
}
