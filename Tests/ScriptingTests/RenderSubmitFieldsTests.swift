import Foundation
import LuaKit
import RenderPlan
import Testing
@testable import Scripting

/// `render.submit{}` and `render.plan{}` decode their table through `RenderRequest.fields`, the
/// declaration `blendbatch render`'s options and the render recipe's parameters come from.
@Suite("render.submit{} fields, from the declaration")
struct RenderSubmitFieldsTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Fixtures/blend/demo-4.2.blend"

    @Test("a field no one takes, a value of the wrong type and another backend's option are nil, message, 'usage'; good fields plan")
    func decoding() throws {
        let out = NSTemporaryDirectory() + "bb-submit-fields-\(UUID().uuidString)"
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [out, Self.demo]))
        let r = try lua.run("""
            local render = require "render"
            local file, out = ...
            local _, a, ac = render.submit{file = file, out = out, percnt = 50}
            local _, b, bc = render.submit{file = file, out = out, percent = '50'}
            local _, c, cc = render.submit{file = file, out = out, queue = 'q'}
            local _, d, dc = render.plan{file = file, out = out, chunk_time = 'soon'}
            local m = render.plan{file = file, out = out, frames = '1-4', chunk = 2, video = false, denoise = 'off', percent = 25.0}
            return a, ac, b, bc, c, cc, d, dc, #m.chunks, m.stitch == nil, m.overrides.denoise, m.overrides.resolutionPercentage
            """, arguments: [.string(Self.demo), .string(out)])
        #expect(r[0].stringValue?.hasPrefix("render.submit has no field 'percnt' (it takes file, scene, frames,") == true && r[1] == .string("usage"))
        #expect(r[2] == .string("percent: expected a whole number, got \"50\"") && r[3] == .string("usage"))
        #expect(r[4] == .string("queue is for backend 'aws'") && r[5] == .string("usage"))
        #expect(r[6] == .string("chunk_time 'soon': use e.g. 60s, 2m, 1h") && r[7] == .string("usage"))
        #expect(r[8] == .integer(2) && r[9] == .boolean(true) && r[10] == .boolean(false) && r[11] == .integer(25))
    }
}
