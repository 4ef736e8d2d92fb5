import Executors
import Foundation
import LuaKit
import RenderPlan
import Testing
@testable import Scripting

/// Drives `batch` and `fis` from Lua with `Tests/Fixtures/standin-worker.py` as the task command:
/// these tests are about the Lua face of the executor; real renders are covered in CLITests.
@Suite("batch and fis modules", .serialized)
struct BatchModuleTests {
    static let standIn: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Tests/Fixtures/standin-worker.py"
    }()

    @Test("batch.submit returns a job; wait, status, frames and Spot interruptions work from Lua WithStandInWorker")
    func submitAndWait() throws {
        let out = NSTemporaryDirectory() + "bb-lua-batch-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let manifest = JobManifest(id: "lua-\(UUID().uuidString.prefix(8).lowercased())", input: "demo.blend", scene: nil,
                                   overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1, 2]), FrameChunk(index: 1, frames: [3, 4])],
                                   output: OutputSpec(location: out, name: "demo"), stitch: nil)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: out + "/manifest.json"))
        // A first attempt lasts until its notice comes, however late; the retry is quick.
        setenv("STANDIN_FIRST_ATTEMPT_SECONDS", "600", 1)
        setenv("STANDIN_FRAME_SECONDS", "0.05", 1)
        defer { unsetenv("STANDIN_FIRST_ATTEMPT_SECONDS"); unsetenv("STANDIN_FRAME_SECONDS") }
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [out, "demo.blend", Self.standIn]))
        let results = try lua.run("""
            local batch, fis = require "batch", require "fis"
            local chaos = fis.spot_interruption{share = '100%', notice = '1s', seed = 3, max = 1}
            local job = assert(batch.submit(..., {worker = '\(Self.standIn)', workers = 2, chaos = chaos}))
            local report = job:wait{progress = true}
            local frames = job:frames()
            return report.state, report.framesDone, #frames, frames[4], job:status().state, report.noticesSent, chaos.spec
            """, arguments: [.string(out + "/manifest.json")])
        #expect(results.prefix(6) == [.string("succeeded"), .integer(4), .integer(4), .integer(4), .string("succeeded"), .integer(2)])
        #expect(results.last == .string("interrupt=100%,notice=1.0s,seed=3,max=1"))
    }

    @Test("bad experiment settings raise a clear error; a missing manifest too")
    func misuse() throws {
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: ["/nonexistent/manifest.json"]))
        let results = try lua.run("""
            local ok1, e1 = pcall(fis.spot_interruption, {share = '130%'})
            local ok2, e2 = pcall(batch.submit, '/nonexistent/manifest.json')
            return ok1, e1, ok2, e2
            """.replacingOccurrences(of: "fis.", with: "(require 'fis').").replacingOccurrences(of: "batch.", with: "(require 'batch')."))
        #expect(results[0] == .boolean(false) && results[2] == .boolean(false))
        #expect(results[1].stringValue?.contains("interrupt must be a share") == true)
        #expect(results[3].stringValue?.contains("cannot read manifest '/nonexistent/manifest.json'") == true)
    }

    @Test("Ctrl-C during job:wait cancels the job cleanly; the report says cancelled with exit_code 130 and job:summary prints it WithStandInWorker",
          .timeLimit(.minutes(5)))
    func interruptDuringWait() async throws {
        let out = NSTemporaryDirectory() + "bb-lua-cancel-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let manifest = JobManifest(id: "lua-\(UUID().uuidString.prefix(8).lowercased())", input: "demo.blend", scene: nil,
                                   overrides: RenderOverrides(),
                                   chunks: (0..<4).map { FrameChunk(index: $0, frames: [2 * $0 + 1, 2 * $0 + 2]) },
                                   output: OutputSpec(location: out, name: "demo"), stitch: nil)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try manifest.encoded().write(to: URL(fileURLWithPath: out + "/manifest.json"))
        // Frames that take 10 minutes: only the cancel can end this job.
        setenv("STANDIN_FRAME_SECONDS", "600", 1)
        defer { unsetenv("STANDIN_FRAME_SECONDS") }
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [out, "demo.blend", Self.standIn]))
        let interrupt = lua.interruptHandle
        let id = manifest.id
        // Ctrl-C once a task of the job runs (lua.run blocks this thread meanwhile).
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(120)
            while TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(id)").isEmpty && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            interrupt.interrupt()
        }
        let results = try lua.run("""
            local batch = require "batch"
            local job = assert(batch.submit(..., {worker = '\(Self.standIn)', workers = 2}))
            local report = job:wait{}
            return report.state, report.exit_code, report.framesDone, job:summary{json = true}, job:summary{}
            """, arguments: [.string(out + "/manifest.json")])
        #expect(results.prefix(2) == [.string("cancelled"), .integer(130)])
        #expect(results[2].intValue == 0)
        #expect(try await waitUntil(seconds: 30) { TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(id)").isEmpty })
        let json = try #require(try JSONSerialization.jsonObject(with: Data((results[3].stringValue ?? "").utf8)) as? [String: Any])
        #expect(json["state"] as? String == "cancelled")
        #expect(json["exit_code"] == nil)
        let summary = results[4].stringValue ?? ""
        #expect(summary.hasPrefix("cancelled: "), "\(summary)")
        #expect(summary.contains("next: blendbatch resume \(manifest.id)"), "\(summary)")
    }

    @Test("render.submit failures come back as nil, message, code with the exit code's name")
    func renderSubmitCodes() throws {
        let folder = NSTemporaryDirectory() + "bb-lua-codes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("not a blend file at all".utf8).write(to: URL(fileURLWithPath: folder + "/bad.blend"))
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [folder, "/nonexistent/shot.blend"]))
        let results = try lua.run("""
            local render, bad = require "render", ...
            local function code(t) local job, message, c = render.submit(t); return (job == nil and type(message) == 'string') and c or 'job!' end
            return code{file = '/nonexistent/shot.blend'}, code{file = bad}, code{file = bad, chunk_time = 'soon'}
            """, arguments: [.string(folder + "/bad.blend")])
        #expect(results == [.string("no_input"), .string("data_error"), .string("usage")])
    }
}
