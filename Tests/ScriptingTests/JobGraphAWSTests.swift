import AWSServices
import Foundation
import LuaKit
import Testing
@testable import Scripting

/// `render.submit{backend='aws', after=...}` against moto: the dependency goes to Batch as `dependsOn`.
@Suite("job graphs on AWS Batch (moto)", .serialized)
struct JobGraphAWSTests {
    @Test("a job after another: its render job dependsOn the other's last Batch job (the stitch); a local job is refused", .requires(.moto))
    func dependsOn() async throws {
        let target = try await MotoRenderTarget.create(client: motoClient())
        let out = "s3://\(target.bucket)/jobs/graph"
        let r = try RenderModuleAWSTests().state(out: out, definition: target.definition).run("""
            local render = require "render"
            local file, queue, definition, out = ...
            local function submit(name, after)
              return assert(render.submit{file = file, backend = 'aws', queue = queue, job_definition = definition,
                                          out = out .. '/' .. name, frames = '1-2', chunk = 1, after = after})
            end
            local first = submit('a')
            local second = submit('b', first)
            local ok, why = pcall(render.submit, {file = file, backend = 'aws', queue = queue, out = out .. '/c', after = {first, 42}})
            return first.stitch_job_id, second.render_job_id, second.stitch_job_id, ok, why
            """, arguments: [.string(RenderModuleAWSTests.shot), .string(target.fleet.queueName),
                             .string(target.definition), .string(out)])
        let firstStitch = try #require(r[0].stringValue)
        let secondRender = try #require(r[1].stringValue)
        let batch = BatchClient(client: motoClient())
        let render = try #require(try await batch.describeJobs([secondRender]).first)
        #expect(render.dependsOn?.map(\.jobId) == [firstStitch])
        let stitchId = try #require(r[2].stringValue)
        let stitch = try #require(try await batch.describeJobs([stitchId]).first)
        #expect(stitch.dependsOn?.map(\.jobId) == [secondRender])
        #expect(r[3] == .boolean(false) && r[4].stringValue?.contains("a job of backend 'aws'") == true, "\(r[4])")
    }
}
