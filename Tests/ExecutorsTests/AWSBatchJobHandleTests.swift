import AWSCore
import AWSServices
import Foundation
import ObjectStore
import RenderPlan
import Testing
@testable import Executors

/// How Batch job details become a blendbatch job state and failure reason (no AWS needed).
@Suite("AWS Batch job handle: states and reasons")
struct AWSBatchJobHandleTests {
    func job(_ json: String) throws -> JobDetail {
        try JSONDecoder().decode(JobDetail.self, from: Data(json.utf8))
    }

    @Test("a job whose image cannot be pulled fails with the reason and what to do")
    func cannotPull() throws {
        let failed = try job(#"""
            {"jobName":"shot-render","jobId":"abc","jobQueue":"q","jobDefinition":"d","status":"FAILED",
             "statusReason":"CannotPullContainerError: pull image manifest has been retried 5 time(s): not found",
             "container":{"exitCode":null}}
            """#)
        let reason = AWSBatchJobHandle.reason(failed)
        #expect(reason.hasPrefix("shot-render (abc) failed: CannotPullContainerError"))
        #expect(reason.contains("scripts/aws/build-image --push"))
    }

    @Test("a worker exit code is named after blendbatch's exit codes")
    func exitCodeNamed() throws {
        let failed = try job(#"""
            {"jobName":"r","jobId":"abc:3","jobQueue":"q","jobDefinition":"d","status":"FAILED",
             "statusReason":"Essential container in task exited","container":{"exitCode":65}}
            """#)
        #expect(AWSBatchJobHandle.reason(failed) == "r (abc:3) failed: Essential container in task exited: exit 65 (dataError)")
    }

    @Test("job state: failed wins, stitch decides success, a finished render waits for its stitch")
    func states() throws {
        func detail(_ status: String) throws -> JobDetail {
            try job(#"{"jobName":"x","jobId":"i","jobQueue":"q","jobDefinition":"d","status":"\#(status)"}"#)
        }
        #expect(AWSBatchJobHandle.jobState(render: try detail("SUCCEEDED"), stitch: try detail("SUCCEEDED"), wantsStitch: true) == .succeeded)
        #expect(AWSBatchJobHandle.jobState(render: try detail("SUCCEEDED"), stitch: try detail("PENDING"), wantsStitch: true) == .running)
        #expect(AWSBatchJobHandle.jobState(render: try detail("FAILED"), stitch: try detail("PENDING"), wantsStitch: true) == .failed)
        #expect(AWSBatchJobHandle.jobState(render: try detail("RUNNABLE"), stitch: try detail("PENDING"), wantsStitch: true) == .queued)
        #expect(AWSBatchJobHandle.jobState(render: try detail("RUNNING"), stitch: nil, wantsStitch: false) == .running)
        #expect(AWSBatchJobHandle.jobState(render: try detail("SUCCEEDED"), stitch: nil, wantsStitch: false) == .succeeded)
    }

    @Test("wait gives up after repeated failed polls with a reason, instead of spinning forever")
    func waitGivesUp() async throws {
        let unreachable = AWSClient(configuration: .resolve(environment: AWSEnvironment(variables: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t",
            "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"], homeDirectory: "/nonexistent")))
        let manifest = JobManifest(id: "j1", input: "s3://b/x.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1])], output: OutputSpec(location: "s3://b/o", name: "x"), stitch: nil)
        let record = AWSJobRecord(id: "j1", output: "s3://b/o", manifest: "s3://b/o/m.json", queue: "q", jobDefinition: "d",
                                  region: "us-east-1", submittedAt: Date(),
                                  submissions: [AWSJobSubmission(renderJobId: "r1", stitchJobId: nil, manifest: "s3://b/o/m.json",
                                                                 chunks: 1, submittedAt: Date())])
        let store = LocalStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)").path)
        let handle = AWSBatchJobHandle(record: record, manifest: manifest, batch: BatchClient(client: unreachable), store: store, pollInterval: 0)
        let report = await handle.wait()
        #expect(report.reason?.contains("stopped following job j1") == true)
        #expect(!report.state.isFinal)
    }
}
