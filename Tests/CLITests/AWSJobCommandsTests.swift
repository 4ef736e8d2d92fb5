import AWSCore
import AWSServices
import Executors
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// `blendbatch status|cancel|resume JOB` on a job submitted to AWS Batch (moto), found through
/// this machine's AWS job index.
@Suite("status, cancel and resume of AWS jobs", .serialized)
struct AWSJobCommandsTests {
    /// A job submitted to moto's Batch with 3 chunks of 2 frames, frames 1-4 already in the store.
    func submitted(state: String) async throws -> (JobManifest, AWSBatchJobHandle) {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        var executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: fleet.queueName, jobDefinition: definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = AWSJobIndex(folder: state + "/blendbatch/aws-jobs")
        let manifest = JobManifest(id: uniqueName("job"), input: "s3://\(bucket)/shot.blend", scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1, 2]), FrameChunk(index: 1, frames: [3, 4]),
                                            FrameChunk(index: 2, frames: [5, 6])],
                                   output: OutputSpec(location: "s3://\(bucket)/out", name: "shot"), stitch: StitchSpec(frameRate: 24))
        let handle = try await executor.submitJob(manifest)
        for frame in 1...4 { try await handle.store.put(data: Data("png".utf8), key: manifest.output.frameKey(frame)) }
        return (manifest, handle)
    }

    @Test("status by job id and by Batch id counts frames in the store (Batch's success with frames missing is a failure, exit 70); resume resubmits the missing chunk", .requires(.moto))
    func statusAndResume() async throws {
        let state = Binary.folder("aws-state")
        let (manifest, handle) = try await submitted(state: state)
        let status = try runAWSCLI(["status", manifest.id], home: state)
        // moto's Batch calls every job a success at once; frames 5 and 6 are not in the store: a failure.
        #expect(status.code == 70, "\(status.stderr)")
        #expect(status.stdout.contains("frames: 4/6 in the store"))
        #expect(status.stdout.contains("failed frames: 5,6"), "\(status.stdout)")
        #expect(status.stdout.contains("batch: render \(handle.record.latest.renderJobId ?? "?") (array of 3)"))
        let byBatchId = try runAWSCLI(["status", handle.record.latest.renderJobId ?? "", "--json"], home: state)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(byBatchId.stdout.utf8)) as? [String: Any])
        #expect(json["framesDone"] as? Int == 4)
        #expect(json["id"] as? String == manifest.id)

        let resume = try runAWSCLI(["resume", manifest.id], home: state)
        #expect(resume.code == 0, "\(resume.stderr)")
        #expect(resume.stdout.contains("resubmitted 1 chunk(s) with missing frames"))
        #expect(resume.stdout.contains("(plain job)"))
        let resumedJob = try #require(Self.renderJobId(in: resume.stdout), "\(resume.stdout)")

        // cancel terminates every Batch job of every submission: moto keeps the reason blendbatch gave.
        let cancel = try runAWSCLI(["cancel", manifest.id], home: state)
        #expect(cancel.code == 0, "\(cancel.stderr)")
        let ids = [handle.record.latest.renderJobId, handle.record.latest.stitchJobId, resumedJob].compactMap { $0 }
        #expect(ids.count == 3)
        let jobs = try await BatchClient(client: motoClient()).describeJobs(ids)
        #expect(jobs.count == 3)
        for job in jobs { #expect(job.statusReason == AWSBatchJobHandle.cancelReason, "\(job.jobId): \(job.statusReason ?? "-")") }
    }

    /// The render job id in the `batch: render <id> (…)` line the CLI prints.
    static func renderJobId(in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("batch: render ") }
            .flatMap { $0.dropFirst("batch: render ".count).split(separator: " ").first.map(String.init) }
    }
}
