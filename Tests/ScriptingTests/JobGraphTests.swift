import Foundation
import LuaKit
import RenderPlan
import Testing
@testable import Scripting

/// `after=`, `render.wait_all` and `job:wait{on=...}` from Lua, with `Tests/Fixtures/standin-worker.py`
/// as the task command (the Lua face of the executor; real renders of a shot list are in CLITests).
@Suite("job graphs and job events from Lua", .serialized)
struct JobGraphTests {
    /// A folder with a manifest of `frames` (one task each) at `<folder>/manifest.json`.
    func manifest(frames: [Int]) throws -> String {
        let out = NSTemporaryDirectory() + "bb-lua-graph-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let manifest = JobManifest(id: "g-\(UUID().uuidString.prefix(8).lowercased())", input: "demo.blend", scene: nil,
                                   overrides: RenderOverrides(),
                                   chunks: frames.enumerated().map { FrameChunk(index: $0.offset, frames: [$0.element]) },
                                   output: OutputSpec(location: out, name: "demo"), stitch: nil)
        try manifest.encoded().write(to: URL(fileURLWithPath: out + "/manifest.json"))
        return out + "/manifest.json"
    }

    func state(_ handed: [String]) throws -> LuaState {
        try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: handed + ["demo.blend", BatchModuleTests.standIn]))
    }

    @Test("after= chains jobs; wait_all returns the reports in order; a failed job skips the one after it WithStandInWorker")
    func chain() throws {
        let (a, b, c) = (try manifest(frames: [1, 2]), try manifest(frames: [3]), try manifest(frames: [4]))
        setenv("STANDIN_FRAME_SECONDS", "0.1", 1)
        setenv("STANDIN_CRASH_FRAMES", "3", 1)  // b's only frame: b fails
        defer { unsetenv("STANDIN_FRAME_SECONDS"); unsetenv("STANDIN_CRASH_FRAMES") }
        let r = try state([a, b, c].map { ($0 as NSString).deletingLastPathComponent }).run("""
            local batch, render = require "batch", require "render"
            local a, b, c, worker = ...
            local ja = assert(batch.submit(a, {worker = worker}))
            local jb = assert(batch.submit(b, {worker = worker, after = ja}))
            local jc = assert(batch.submit(c, {worker = worker, after = {ja, jb}}))
            local reports, ok = render.wait_all({ja, jb, jc})
            local bad, why = pcall(batch.submit, c, {after = {ja, 'nope'}})
            return reports[1].state, reports[2].state, reports[3].state, reports[3].reason, ok, #reports, why
            """, arguments: [.string(a), .string(b), .string(c), .string(BatchModuleTests.standIn)])
        #expect(r[0] == .string("succeeded") && r[1] == .string("failed") && r[2] == .string("cancelled"))
        #expect(r[3].stringValue?.contains("skipped: it comes after job") == true && r[3].stringValue?.contains("which ended failed") == true)
        #expect(r[4] == .boolean(false) && r[5] == .integer(3))
        #expect(r[6].stringValue?.contains("field 'after' item 2: a job expected, got string") == true)
    }

    @Test("job:wait{on=...}: frame and done handlers run in order; a failing handler is reported, not fatal WithStandInWorker")
    func events() throws {
        let a = try manifest(frames: [1, 2, 3])
        setenv("STANDIN_FRAME_SECONDS", "0.1", 1)
        defer { unsetenv("STANDIN_FRAME_SECONDS") }
        let r = try state([(a as NSString).deletingLastPathComponent]).run("""
            local batch = require "batch"
            local a, worker = ...
            local job = assert(batch.submit(a, {worker = worker}))
            local seen, done = {}, nil
            local report = job:wait{on = {
              frame = function(e) seen[#seen + 1] = e.done; if e.done == 2 then error('boom in the handler') end end,
              done = function(rep) done = rep.state end,
            }}
            return report.state, table.concat(seen, ','), done, #report.handler_errors, report.handler_errors[1]
            """, arguments: [.string(a), .string(BatchModuleTests.standIn)])
        #expect(r[0] == .string("succeeded") && r[1] == .string("1,2,3") && r[2] == .string("succeeded") && r[3] == .integer(1))
        #expect(r[4].stringValue?.contains("handler 'frame' failed") == true && r[4].stringValue?.contains("boom in the handler") == true)
    }

    @Test("task_failed gets each failed attempt; an unknown event name is a clear error WithStandInWorker")
    func taskFailed() throws {
        let a = try manifest(frames: [7])
        setenv("STANDIN_CRASH_FRAMES", "7", 1)
        defer { unsetenv("STANDIN_CRASH_FRAMES") }
        let r = try state([(a as NSString).deletingLastPathComponent]).run("""
            local batch = require "batch"
            local a, worker = ...
            local job = assert(batch.submit(a, {worker = worker}))
            local ok, why = pcall(job.wait, job, {on = {finished = print}})
            local failures = {}
            local report = job:wait{on = {task_failed = function(e) failures[#failures + 1] = e.exit .. (e.retry and ' retry' or ' final') end}}
            return ok, why, report.state, table.concat(failures, ';')
            """, arguments: [.string(a), .string(BatchModuleTests.standIn)])
        #expect(r[0] == .boolean(false) && r[1].stringValue?.contains("unknown event 'finished'") == true)
        #expect(r[2] == .string("failed"))
        let failures = r[3].stringValue ?? ""
        #expect(failures.contains("exit 70") && failures.hasSuffix("final"), "\(failures)")
    }
}
