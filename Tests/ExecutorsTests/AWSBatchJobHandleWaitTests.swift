import AWSServices
import Foundation
import ObjectStore
import RenderPlan
import Testing
@testable import Executors

/// `AWSBatchJobHandle.wait` following a job through the states a real Batch shows over time, which
/// moto (it finishes every job inside SubmitJob) cannot: the Batch API is a loopback stand-in
/// answering in AWS's shape; frames are in a local folder store.
@Suite("AWS Batch job handle: wait through RUNNING and on (loopback stand-in of the Batch API)", .serialized)
struct AWSBatchJobHandleWaitTests {
    typealias Job = BatchStandIn

    /// A job of 2 chunks × 2 frames with a stitch, and the handle following it on `standIn`.
    func handle(_ standIn: BatchStandIn, frames done: [Int], submissions: [AWSJobSubmission]? = nil) async throws -> AWSBatchJobHandle {
        let root = try makeTempDirectory()
        let manifest = JobManifest(id: "j1", input: "s3://b/shot.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1, 2]), FrameChunk(index: 1, frames: [3, 4])],
                                   output: OutputSpec(location: root, name: "shot"), stitch: StitchSpec(frameRate: 24))
        let store = LocalStore(root: root)
        for frame in done { try await store.put(data: Data("png".utf8), key: manifest.output.frameKey(frame)) }
        let record = AWSJobRecord(id: "j1", output: root, manifest: "s3://b/o/m.json", queue: "render", jobDefinition: "d",
                                  region: "us-east-1", submittedAt: Date(),
                                  submissions: submissions ?? [AWSJobSubmission(renderJobId: "r1", stitchJobId: "s1", manifest: "s3://b/o/m.json",
                                                                                chunks: 2, submittedAt: Date())])
        return AWSBatchJobHandle(record: record, manifest: manifest, batch: BatchClient(client: standIn.client()), store: store, pollInterval: 0)
    }

    final class Events: @unchecked Sendable {  // `items` is guarded by `lock`
        private let lock = NSLock()
        private var items: [JobEvent] = []
        func add(_ event: JobEvent) { lock.withLock { items.append(event) } }
        var messages: [String] { lock.withLock { items.compactMap { if case .message(let m) = $0 { m } else { nil } } } }
        var framesDone: [Int] { lock.withLock { items.compactMap { if case .frameDone(let f, _, _) = $0 { f } else { nil } } } }
    }

    @Test("RUNNING for a few polls, then SUCCEEDED with its stitch: succeeded, each frame reported once, progress lines in order")
    func runningThenSucceeded() async throws {
        let standIn = try BatchStandIn(describe: [
            .jobs([Job.job("r1", status: "RUNNING", summary: ["RUNNING": 2], size: 2), Job.job("s1", name: "shot-stitch", status: "PENDING")]),
            .jobs([Job.job("r1", status: "RUNNING", summary: ["RUNNING": 1, "SUCCEEDED": 1], size: 2), Job.job("s1", name: "shot-stitch", status: "PENDING")]),
            .jobs([Job.job("r1", status: "SUCCEEDED", summary: ["SUCCEEDED": 2], size: 2), Job.job("s1", name: "shot-stitch", status: "SUCCEEDED")]),
        ])
        defer { standIn.stop() }
        let events = Events()
        let report = try await handle(standIn, frames: [1, 2, 3, 4]).wait { events.add($0) }
        #expect(report.state == .succeeded)
        #expect(report.tasksSucceeded == 2 && report.stitch == .succeeded)
        #expect(events.framesDone.sorted() == [1, 2, 3, 4])
        #expect(events.messages == ["batch: 0/2 tasks succeeded, 2 running, 0 failed; stitch pending",
                                    "batch: 1/2 tasks succeeded, 1 running, 0 failed; stitch pending",
                                    "batch: 2/2 tasks succeeded, 0 running, 0 failed; stitch succeeded"])
        #expect(standIn.describeCalls == 3)
    }

    @Test("RUNNING, then a child FAILED with exit 70: failed, the reason and exit code named, missing frames listed")
    func runningThenFailed() async throws {
        let standIn = try BatchStandIn(describe: [
            .jobs([Job.job("r1", status: "RUNNING", summary: ["RUNNING": 2], size: 2)]),
            .jobs([Job.job("r1", status: "FAILED", summary: ["SUCCEEDED": 1, "FAILED": 1], size: 2,
                           reason: "Essential container in task exited", exitCode: 70)]),
        ])
        defer { standIn.stop() }
        let report = try await handle(standIn, frames: [1, 2]).wait()
        #expect(report.state == .failed)
        #expect(report.failureCode == ExitCode.renderFailure.rawValue)
        #expect(report.reason == "shot-render (r1) failed: Essential container in task exited: exit 70 (renderFailure)")
        #expect(report.failedFrames.map(\.frame) == [3, 4])
    }

    @Test("a job stopped by blendbatch cancel (FAILED with its reason) is cancelled, exit 130")
    func cancelled() async throws {
        let standIn = try BatchStandIn(describe: [
            .jobs([Job.job("r1", status: "RUNNING", summary: ["RUNNING": 2], size: 2)]),
            .jobs([Job.job("r1", status: "FAILED", summary: ["FAILED": 2], size: 2, reason: AWSBatchJobHandle.cancelReason)]),
        ])
        defer { standIn.stop() }
        let report = try await handle(standIn, frames: []).wait()
        #expect(report.state == .cancelled)
        #expect(report.failureCode == ExitCode.cancelled.rawValue)
    }

    @Test("every frame rendered but the stitch FAILED: failed, naming the stitch job")
    func failedStitch() async throws {
        let standIn = try BatchStandIn(describe: [
            .jobs([Job.job("r1", status: "SUCCEEDED", summary: ["SUCCEEDED": 2], size: 2),
                   Job.job("s1", name: "shot-stitch", status: "FAILED", reason: "Essential container in task exited", exitCode: 70)]),
        ])
        defer { standIn.stop() }
        let report = try await handle(standIn, frames: [1, 2, 3, 4]).wait()
        #expect(report.state == .failed)
        #expect(report.stitch == .failed)
        #expect(report.reason?.hasPrefix("shot-stitch (s1) failed: ") == true, "\(report.reason ?? "-")")
    }

    @Test("polls that fail (HTTP 500) are reported and retried; the job is followed to the end")
    func recoversAfterFailedPolls() async throws {
        let standIn = try BatchStandIn(describe: [
            .status(500), .status(500), .status(503),
            .jobs([Job.job("r1", status: "SUCCEEDED", summary: ["SUCCEEDED": 2], size: 2), Job.job("s1", name: "shot-stitch", status: "SUCCEEDED")]),
        ])
        defer { standIn.stop() }
        let events = Events()
        let report = try await handle(standIn, frames: [1, 2, 3, 4]).wait { events.add($0) }
        #expect(report.state == .succeeded)
        let failures = events.messages.filter { $0.hasPrefix("cannot ask AWS about job j1") }
        #expect(failures.count == 3)
        #expect(failures.first?.contains("(1/\(AWSBatchJobHandle.maxFailedPolls))") == true)
    }

    @Test("a resubmitted job follows the latest submission; the earlier one's finished chunks count as done")
    func resubmitted() async throws {
        let standIn = try BatchStandIn(describe: [
            .jobs([Job.job("r2", status: "RUNNING"), Job.job("s2", name: "shot-stitch", status: "PENDING")]),
            .jobs([Job.job("r2", status: "SUCCEEDED"), Job.job("s2", name: "shot-stitch", status: "SUCCEEDED")]),
        ])
        defer { standIn.stop() }
        let submissions = [AWSJobSubmission(renderJobId: "r1", stitchJobId: "s1", manifest: "m1", chunks: 2, submittedAt: Date()),
                           AWSJobSubmission(renderJobId: "r2", stitchJobId: "s2", manifest: "m2", chunks: 1, submittedAt: Date())]
        let events = Events()
        let report = try await handle(standIn, frames: [1, 2, 3, 4], submissions: submissions).wait { events.add($0) }
        #expect(report.state == .succeeded)
        #expect(events.messages.first == "batch: 1/2 tasks succeeded, 1 running, 0 failed; stitch pending")
        let asked = standIn.requests.filter { $0.path == "/v1/describejobs" }.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(!asked.isEmpty && asked.allSatisfy { $0.contains("r2") && !$0.contains("\"r1\"") }, "\(asked)")
    }

    @Test("a job Batch no longer knows (DescribeJobs leaves it out): the frames in the store decide")
    func unknownJob() async throws {
        let standIn = try BatchStandIn(describe: [.jobs([])])
        defer { standIn.stop() }
        let complete = try await handle(standIn, frames: [1, 2, 3, 4],
                                        submissions: [AWSJobSubmission(renderJobId: "r1", stitchJobId: nil, manifest: "m", chunks: 2, submittedAt: Date())]).wait()
        #expect(complete.state == .succeeded)
        let partial = try await handle(standIn, frames: [1, 2],
                                       submissions: [AWSJobSubmission(renderJobId: "r1", stitchJobId: nil, manifest: "m", chunks: 2, submittedAt: Date())]).wait()
        #expect(partial.state == .failed)
        #expect(partial.failedFrames.map(\.frame) == [3, 4])
    }

    @Test("DescribeJobs of more than 100 ids is split into calls of at most 100, answers in the order asked")
    func describeJobsInHundreds() async throws {
        let ids = (0..<250).map { "job-\($0)" }
        let standIn = try BatchStandIn(describe: [.jobs(ids.reversed().map { Job.job($0, status: "SUCCEEDED") })])
        defer { standIn.stop() }
        let details = try await BatchClient(client: standIn.client()).describeJobs(ids)
        #expect(details.map(\.jobId) == ids)
        let sizes = try standIn.requests.map { request in
            try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: [String]])["jobs"]?.count
        }
        #expect(sizes == [100, 100, 50])
    }
}
