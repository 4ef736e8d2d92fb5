import AWSCore
import AWSServices
import Executors
import Foundation
import LuaKit
import ObjectStore
import RenderPlan
import Testing
@testable import Scripting

/// `render.submit{backend='aws', ...}` against moto: planned for Batch, submitted, followed from Lua.
@Suite("render module, AWS backend (moto)", .serialized)
struct RenderModuleAWSTests {
    /// A shot with a camera (saved by Blender 4.2): the pre-flight check refuses scenes without one.
    static let shot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Fixtures/blend/demo-4.2.blend"

    /// A Lua state whose AWS calls go to moto, with a job index of its own.
    /// Handed the .blend, `out`, the job definition, and what the bad-input test names.
    func state(out: String = "s3://b/x", definition: String = "") throws -> LuaState {
        let handed = [Self.shot, out, definition, "s3://b/", "/tmp/x"]
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: handed))
        lua.userInfo[FISExperimentObject.jobIndexKey] = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("aws-jobs")).path
        lua.userInfo[FISExperimentObject.environmentKey] = motoClient().configuration.environment
        return lua
    }

    @Test("submits one array job of the chunks and a stitch after it; job.id, the Batch ids, status and frames from Lua", .requires(.moto))
    func submits() async throws {
        let target = try await MotoRenderTarget.create(client: motoClient())
        let out = "s3://\(target.bucket)/jobs/lua"
        let r = try state(out: out, definition: target.definition).run("""
            local render = require "render"
            local file, queue, definition, out = ...
            local job = assert(render.submit{file = file, backend = 'aws', queue = queue, job_definition = definition,
                                             out = out, frames = '1-4', chunk = 2})
            local status = job:status()
            return job.id, job.render_job_id, job.stitch_job_id, status.framesTotal, #job:frames(), tostring(job):match('^blendbatch.Job ') ~= nil
            """, arguments: [.string(Self.shot), .string(target.fleet.queueName),
                             .string(target.definition), .string(out)])
        let id = try #require(r[0].stringValue)
        let renderId = try #require(r[1].stringValue)
        #expect(r[2].stringValue != nil && r[3] == .integer(4) && r[4] == .integer(0) && r[5] == .boolean(true))
        let store = StoreFactory.open(try StoreLocation(parsing: out), client: motoClient())
        let manifest = try JobManifest.decode(try await store.read(key: ".blendbatch/jobs/\(id)/manifest.json"))
        #expect(manifest.chunks.map(\.frames) == [[1, 2], [3, 4]])
        #expect(manifest.overrides.threads == nil)
        let render = try #require(try await BatchClient(client: motoClient()).describeJobs([renderId]).first)
        #expect(render.arrayProperties?.size == 2)
    }

    @Test("job:wait() follows the job to succeeded once every frame is in the store; job:cancel() terminates both Batch jobs with blendbatch's reason", .requires(.moto))
    func waitAndCancel() async throws {
        let target = try await MotoRenderTarget.create(client: motoClient())
        let out = "s3://\(target.bucket)/jobs/lua-wait"
        let lua = try state(out: out, definition: target.definition)
        let submitted = try lua.run("""
            local render = require "render"
            local file, queue, definition, out = ...
            job = assert(render.submit{file = file, backend = 'aws', queue = queue, job_definition = definition,
                                       out = out, frames = '1-4', chunk = 2})
            return job.id, job.render_job_id, job.stitch_job_id
            """, arguments: [.string(Self.shot), .string(target.fleet.queueName), .string(target.definition), .string(out)])
        let id = try #require(submitted[0].stringValue)
        let ids = [submitted[1].stringValue, submitted[2].stringValue].compactMap { $0 }
        #expect(ids.count == 2)
        // moto finishes the Batch jobs at once; the frames a real worker would upload are put here.
        let store = StoreFactory.open(try StoreLocation(parsing: out), client: motoClient())
        let manifest = try JobManifest.decode(try await store.read(key: ".blendbatch/jobs/\(id)/manifest.json"))
        for frame in 1...4 {
            for key in manifest.doneKeys(frame) { try await store.put(data: Data("png".utf8), key: key) }
        }

        let waited = try lua.run("local report = job:wait{}; return report.state, report.framesDone")
        #expect(waited == [.string("succeeded"), .integer(4)])
        _ = try lua.run("job:cancel()")
        let jobs = try await BatchClient(client: motoClient()).describeJobs(ids)
        #expect(jobs.count == 2)
        for job in jobs { #expect(job.statusReason == AWSBatchJobHandle.cancelReason, "\(job.jobId): \(job.statusReason ?? "-")") }
    }

    @Test("bad input: no queue, a local out, chunk_time → nil, message, 'usage'; an s3:// .blend not there → 'no_input'; an unknown backend is an error")
    func badInput() throws {
        let lua = try state()
        let r = try lua.run("""
            local render = require "render"
            local file = ...
            local _, a, ac = render.submit{file = file, backend = 'aws', out = 's3://b/x'}
            local _, b, bc = render.submit{file = file, backend = 'aws', queue = 'q', out = '/tmp/x'}
            local _, c, cc = render.submit{file = 's3://b/shot.blend', backend = 'aws', queue = 'q', out = 's3://b/x'}
            local _, d, dc = render.submit{file = file, backend = 'aws', queue = 'q', out = 's3://b/x', chunk_time = '60s'}
            local ok, e = pcall(render.submit, {file = file, backend = 'gcp'})
            return a, ac, b, bc, c, cc, d, dc, ok, e
            """, arguments: [.string(Self.shot)])
        #expect(r[0].stringValue?.contains("backend 'aws' needs a queue") == true && r[1] == .string("usage"))
        #expect(r[2].stringValue?.contains("needs out s3://BUCKET/PREFIX") == true && r[3] == .string("usage"))
        #expect(r[4].stringValue?.contains("s3://b/shot.blend") == true && r[5] != .string("usage"), "\(r[4]) \(r[5])")
        #expect(r[6].stringValue?.contains("chunk_time is not for backend 'aws': it measures on this machine") == true && r[7] == .string("usage"))
        #expect(r[8] == .boolean(false) && r[9].stringValue?.contains("backend 'gcp': use 'local', 'aws', 'slurm'") == true)
    }
}
