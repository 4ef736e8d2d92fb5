import AWSServices
import Foundation
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
}
