import AWSCore
import AWSServices
import Executors
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// AWSBatchExecutor against moto (Batch in "simple" mode: jobs succeed inside SubmitJob; S3 real).
@Suite("AWS Batch executor against moto", .serialized)
struct AWSBatchExecutorTests {
    let client = motoClient()
    var batch: BatchClient { BatchClient(client: client) }

    /// A queue, a registered worker job definition, a bucket, and an executor on them.
    func setUp(chunks: Int = 5) async throws -> (AWSBatchExecutor, MotoBatchFleet, String, String) {
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        let client = self.client
        var executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: fleet.queueName, jobDefinition: definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.pollInterval = 0.05
        executor.index = AWSJobIndex(folder: FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("aws-jobs")).path)
        return (executor, fleet, definition, bucket)
    }

    func manifest(chunks: Int, framesPerChunk: Int = 2, input: String, output: String, stitch: Bool = true) -> JobManifest {
        JobManifest(id: uniqueName("job"), input: input, scene: nil, overrides: RenderOverrides(),
                    chunks: (0..<chunks).map { i in FrameChunk(index: i, frames: Array((i * framesPerChunk + 1)...(i * framesPerChunk + framesPerChunk))) },
                    output: OutputSpec(location: output, name: "shot"), stitch: stitch ? StitchSpec(frameRate: 24) : nil)
    }

    func localBlend() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("shot")).blend")
        try Data("BLENDER-v300 test bytes".utf8).write(to: url)
        return url
    }

    @Test("a full submission: one array job of chunk-count children with the manifest URL, one stitch job depending on it", .requires(.moto))
    func fullSubmission() async throws {
        let (executor, fleet, definition, bucket) = try await setUp()
        let blend = try localBlend()
        let job = manifest(chunks: 7, input: blend.path, output: "s3://\(bucket)/jobs/shot")
        let handle = try await executor.submitJob(job)
        let submission = handle.record.latest
        let renderId = try #require(submission.renderJobId)
        let stitchId = try #require(submission.stitchJobId)

        let jobs = try await batch.describeJobs([renderId, stitchId])
        let render = try #require(jobs.first { $0.jobId == renderId })
        let stitch = try #require(jobs.first { $0.jobId == stitchId })
        #expect(render.arrayProperties?.size == 7)
        #expect(render.jobQueue == fleet.queueArn)
        let manifestURL = "s3://\(bucket)/jobs/shot/.blendbatch/jobs/\(job.id)/manifest.json"
        #expect(render.environment("BLENDBATCH_MANIFEST") == manifestURL)
        #expect(stitch.environment("BLENDBATCH_MANIFEST") == manifestURL)
        #expect(stitch.dependsOn?.map(\.jobId) == [renderId])
        #expect(stitch.container?.command == ["worker", "--stage", "stitch"])
        #expect(stitch.arrayProperties?.size == nil)
        #expect(render.tags?["blendbatch:job"] == job.id)
        let registered = try #require(try await batch.jobDefinition(definition))
        #expect(render.jobDefinition == registered.jobDefinitionArn)
        #expect(registered.retryStrategy == .spotAware(attempts: 5, interruptedExitCode: 75))

        // The manifest in S3 points at the uploaded .blend, whose bytes are the local file's.
        let store = StoreFactory.open(try StoreLocation(parsing: "s3://\(bucket)/jobs/shot"), client: client)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let stored = try decoder.decode(JobManifest.self, from: try await store.read(key: ".blendbatch/jobs/\(job.id)/manifest.json"))
        #expect(stored.chunks == job.chunks)
        let inputKey = ".blendbatch/jobs/\(job.id)/input/\(blend.lastPathComponent)"
        #expect(stored.input == "s3://\(bucket)/jobs/shot/\(inputKey)")
        #expect(try await store.read(key: inputKey) == (try Data(contentsOf: blend)))
        // The record beside it and on this machine, found by job id and by the render job's Batch id.
        #expect(try await store.exists(key: ".blendbatch/jobs/\(job.id)/aws.json"))
        #expect(executor.index?.record(job.id)?.latest.renderJobId == renderId)
        #expect(executor.index?.record(renderId)?.id == job.id)
    }

    @Test("a one-chunk job is submitted as a plain job (Batch arrays need 2 to 10,000 children)", .requires(.moto))
    func singleChunk() async throws {
        let (executor, _, _, bucket) = try await setUp()
        let handle = try await executor.submitJob(manifest(chunks: 1, input: "s3://\(bucket)/shot.blend", output: "s3://\(bucket)/one"))
        let renderId = try #require(handle.record.latest.renderJobId)
        let render = try #require(try await batch.describeJob(renderId))
        #expect(render.arrayProperties == nil || render.arrayProperties?.size == nil)
        #expect(render.environment("BLENDBATCH_MANIFEST")?.hasSuffix("/manifest.json") == true)
    }

    @Test("more than 10,000 chunks are grouped into at most 10,000 array children, no frame lost")
    func grouping() async throws {
        let job = manifest(chunks: 10_001, framesPerChunk: 1, input: "s3://b/x.blend", output: "s3://b/o")
        let grouped = job.grouped(maxChunks: AWSBatchExecutor.maxArraySize)
        #expect(grouped.chunks.count == 5_001)
        #expect(grouped.allFrames == job.allFrames)
        #expect(grouped.chunks.map(\.index) == Array(0..<5_001))
        #expect(job.grouped(maxChunks: 20_000) == job)
    }

    @Test("status follows the array's statusSummary and the frames in the store; resume resubmits only chunks with missing frames", .requires(.moto))
    func statusAndResume() async throws {
        let (executor, _, _, bucket) = try await setUp()
        let job = manifest(chunks: 4, input: "s3://\(bucket)/shot.blend", output: "s3://\(bucket)/resume")
        let handle = try await executor.submitJob(job)
        let store = handle.store
        // Frames of chunks 0 and 2 are in the store; chunk 1 has one of two, chunk 3 none.
        for frame in [1, 2, 3, 5, 6] { try await store.put(data: Data("png".utf8), key: job.output.frameKey(frame)) }
        let status = try await handle.currentStatus()
        #expect(status.tasksTotal == 4)
        #expect(status.tasksSucceeded == 4)       // moto's simple Batch marks every child SUCCEEDED
        #expect(status.framesTotal == 8)
        #expect(status.framesDone == 5)
        // Batch calls every child a success, yet frames 4, 7 and 8 never reached the store: failed, named.
        #expect(status.state == .failed)
        #expect(status.failedFrames.map(\.frame) == [4, 7, 8])
        #expect(status.reason?.contains("frame(s) 4,7,8 are not in s3://\(bucket)/resume") == true, "\(status.reason ?? "")")
        #expect(status.failureCode == 70)

        let resumed = try #require(try await executor.resume(handle))
        let submission = resumed.record.latest
        #expect(resumed.record.submissions.count == 2)
        #expect(submission.chunks == 2)
        let renderId = try #require(submission.renderJobId)
        let render = try #require(try await batch.describeJob(renderId))
        #expect(render.arrayProperties?.size == 2)
        let url = try #require(render.environment("BLENDBATCH_MANIFEST"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let key = String(url.dropFirst("s3://\(bucket)/resume/".count))
        let resumedManifest = try decoder.decode(JobManifest.self, from: try await store.read(key: key))
        #expect(resumedManifest.chunks.map(\.frames) == [[3, 4], [7, 8]])
        #expect(resumedManifest.chunks.map(\.index) == [0, 1])
    }

    @Test("wait reports frames as they appear and ends with the job's final state", .requires(.moto))
    func waitEvents() async throws {
        let (executor, _, _, bucket) = try await setUp()
        let job = manifest(chunks: 2, input: "s3://\(bucket)/shot.blend", output: "s3://\(bucket)/wait")
        let handle = try await executor.submitJob(job)
        for frame in job.allFrames { try await handle.store.put(data: Data("png".utf8), key: job.output.frameKey(frame)) }
        let events = EventLog()
        let report = await handle.wait { events.add($0) }
        #expect(report.state == .succeeded)
        #expect(report.framesDone == 4)
        let frames = events.all.compactMap { event -> Int? in
            if case .frameDone(let frame, _, _) = event { return frame } else { return nil }
        }
        #expect(frames == [1, 2, 3, 4])
    }

    @Test("bad input: unknown queue, unknown job definition, local output — each named, nothing submitted", .requires(.moto))
    func badInput() async throws {
        let (executor, _, definition, bucket) = try await setUp()
        let client = self.client
        let job = manifest(chunks: 2, input: "s3://\(bucket)/shot.blend", output: "s3://\(bucket)/bad")
        let noQueue = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: "no-such-queue", jobDefinition: definition),
                                       openStore: { StoreFactory.open($0, client: client) })
        await #expect { try await noQueue.submitJob(job) } throws: { "\($0)".contains("job queue 'no-such-queue' does not exist") }
        let noDefinition = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: executor.settings.queue, jobDefinition: "no-such-def"),
                                            openStore: { StoreFactory.open($0, client: client) })
        await #expect { try await noDefinition.submitJob(job) } throws: {
            "\($0)".contains("job definition 'no-such-def' has no ACTIVE revision") && "\($0)".contains("register-job-definition")
        }
        var local = job
        local.output.location = "/tmp/renders"
        await #expect { try await executor.submitJob(local) } throws: { "\($0)".contains("--out s3://bucket/prefix") }
        let noBucket = manifest(chunks: 2, input: "s3://\(bucket)/shot.blend", output: "s3://no-such-bucket-\(bucket)/x")
        await #expect { try await executor.submitJob(noBucket) } throws: { "\($0)".contains("bucket no-such-bucket-\(bucket) does not exist") }
        let elsewhere = uniqueName("eu-renders")
        let configuration = Data("<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>".utf8)
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", body: configuration, bucket: elsewhere))
        let otherRegion = manifest(chunks: 2, input: "s3://\(bucket)/shot.blend", output: "s3://\(elsewhere)/x")
        await #expect { try await executor.submitJob(otherRegion) } throws: {
            "\($0)".contains("bucket \(elsewhere) is in eu-west-1, not us-east-1")
        }
        let missing = manifest(chunks: 2, input: "/nonexistent/shot.blend", output: "s3://\(bucket)/bad")
        await #expect { try await executor.submitJob(missing) } throws: { "\($0)".contains("/nonexistent/shot.blend") }
        // Nothing was written for the refused jobs.
        let store = StoreFactory.open(try StoreLocation(parsing: "s3://\(bucket)/bad"), client: client)
        #expect(try await store.listAll(prefix: "").isEmpty)
    }
}

