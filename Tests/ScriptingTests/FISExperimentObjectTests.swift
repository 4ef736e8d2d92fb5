import AWSCore
import AWSServices
import Executors
import Foundation
import LuaKit
import ObjectStore
import RenderPlan
import Testing
@testable import Scripting

/// `fis.spot_interruption{job = ID, ...}` on an AWS job: a real FIS experiment (moto) with :state, :wait, :stop.
@Suite("fis module, AWS side", .serialized)
struct FISExperimentObjectTests {
    /// A Lua state whose AWS calls go to moto and whose AWS job index holds one submitted job; returns its id.
    func setUp() async throws -> (LuaState, String) {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let fleet = try await MotoBatchFleet.create(client: client)
        let definition = uniqueName("worker")
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: definition, image: "img:1", interruptedExitCode: 75))
        let bucket = uniqueName("renders")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let indexFolder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("aws-jobs")).path
        var executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: fleet.queueName, jobDefinition: definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = AWSJobIndex(folder: indexFolder)
        let manifest = JobManifest(id: uniqueName("job"), input: "s3://\(bucket)/shot.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1]), FrameChunk(index: 1, frames: [2])],
                                   output: OutputSpec(location: "s3://\(bucket)/out", name: "shot"), stitch: nil)
        _ = try await executor.submitJob(manifest)
        // The job was submitted outside Lua: its user hands its id to the recipe.
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [manifest.id]))
        lua.userInfo[FISExperimentObject.jobIndexKey] = indexFolder
        lua.userInfo[FISExperimentObject.environmentKey] = client.configuration.environment
        return (lua, manifest.id)
    }

    @Test("starts an experiment on the job's Spot fleet; :state() and :wait() follow it to completion", .requires(.moto))
    func followToCompletion() async throws {
        let (lua, job) = try await setUp()
        let results = try lua.run("""
            local fis = require "fis"
            local x = assert(fis.spot_interruption{job = ..., count = 1, notice = 'PT2M', role_arn = 'arn:aws:iam::123456789012:role/fis'})
            local first = x:state()
            return tostring(x):match('FISExperiment') ~= nil, first, x:wait(), type(x.id), type(x.template)
            """, arguments: [.string(job)])
        #expect(results[0] == .boolean(true))
        #expect([LuaValue.string("pending"), .string("initiating"), .string("running")].contains(results[1]))
        #expect(results[2] == .string("completed"))
        #expect(results[3] == .string("string") && results[4] == .string("string"))
    }

    @Test(":stop() ends the experiment as stopped; count and percent together is misuse", .requires(.moto))
    func stopAndMisuse() async throws {
        let (lua, job) = try await setUp()
        let results = try lua.run("""
            local fis = require "fis"
            local x = assert(fis.spot_interruption{job = ..., percent = 50, role_arn = 'arn:aws:iam::123456789012:role/fis'})
            x:stop()
            local ok, err = pcall(fis.spot_interruption, {job = ..., count = 1, percent = 5})
            return x:wait(), ok, err
            """, arguments: [.string(job)])
        #expect(results[0] == .string("stopped"))
        #expect(results[1] == .boolean(false))
        #expect(results[2].stringValue?.contains("give count or percent, not both") == true)
    }
}
