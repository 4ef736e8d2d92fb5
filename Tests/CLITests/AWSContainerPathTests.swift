import AWSCore
import AWSServices
import Executors
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// The container path without containers: a render submitted to AWS Batch on moto, then each task
/// run as Batch would run it in the worker image — the job definition's command (`worker`, after the
/// image's `blendbatch` entry point), the job's environment plus what Batch adds
/// (`AWS_BATCH_JOB_ID`, `AWS_BATCH_JOB_ARRAY_INDEX`, `AWS_BATCH_JOB_ATTEMPT`), credentials and the
/// S3 endpoint (moto) — with a real Blender and FFmpeg; the output prefix must end up complete.
@Suite("AWS container path: blendbatch worker as Batch runs it, S3 on moto", .serialized)
struct AWSContainerPathTests {
    let client = motoClient()
    var batch: BatchClient { BatchClient(client: client) }

    /// What every task container gets besides the job's own environment: no ~/.aws, credentials and
    /// region in the environment, and every AWS endpoint (S3 included) at moto.
    var containerBase: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AWS_") || key.hasPrefix("BLENDBATCH_MANIFEST") {
            environment[key] = nil
        }
        environment.merge([
            "HOME": FileManager.default.temporaryDirectory.path + "/bb-no-home",
            "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": motoURL ?? "http://127.0.0.1:1",
        ]) { $1 }
        return environment
    }

    /// Run the container command of `job` (Batch id `batchId`) with Batch's variables.
    func runTask(_ job: JobDetail, batchId: String, index: Int?) throws -> CLIRunner.Result {
        var environment = containerBase
        for pair in job.container?.environment ?? [] { environment[pair.name] = pair.value }
        environment["AWS_BATCH_JOB_ID"] = index.map { "\(batchId):\($0)" } ?? batchId
        environment["AWS_BATCH_JOB_ATTEMPT"] = "1"
        environment["AWS_BATCH_CE_NAME"] = "spot"
        environment["AWS_BATCH_JQ_NAME"] = job.jobQueue
        if let index { environment["AWS_BATCH_JOB_ARRAY_INDEX"] = String(index) }
        let command = try #require(job.container?.command, "Batch job \(batchId) has no container command")
        return try CLIRunner.run(command, environment: environment)
    }

    @Test("each array index, then the stitch: every frame and the video end up under the S3 output prefix", .requires(.moto))
    func everyIndexThenStitch() async throws {
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        let client = self.client
        var executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: fleet.queueName, jobDefinition: definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = AWSJobIndex(folder: FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("aws-jobs")).path)

        // 5 frames in chunks of 2 = an array of 3; the .blend is local, so submission uploads it.
        let output = "s3://\(bucket)/jobs/shot"
        let plan = try JobManifest.plan(
            id: uniqueName("container"), input: Binary.demo, scene: "Demo", frames: FrameSet(1...5), chunking: .frames(2),
            overrides: RenderOverrides(resolutionPercentage: 100, resolutionX: 64, resolutionY: 36, samples: 1, threads: 1),
            output: OutputSpec(location: output, name: "demo"),
            stitch: StitchSpec(frameRate: 24, video: true, gif: false, contactSheet: false))
        let handle = try await executor.submitJob(plan)
        let renderId = try #require(handle.record.latest.renderJobId)
        let stitchId = try #require(handle.record.latest.stitchJobId)
        let jobs = try await batch.describeJobs([renderId, stitchId])
        let render = try #require(jobs.first { $0.jobId == renderId })
        let stitch = try #require(jobs.first { $0.jobId == stitchId })
        let size = try #require(render.arrayProperties?.size)
        #expect(size == 3)
        #expect(render.environment("BLENDBATCH_MANIFEST")?.hasPrefix("s3://\(bucket)/") == true)

        for index in 0..<size {
            let result = try runTask(render, batchId: renderId, index: index)
            #expect(result.status == 0, "array index \(index) exited \(result.status): \(result.stderr.suffix(1500))")
            let events = result.stdout.split(separator: "\n").compactMap { try? Binary.json(String($0)) }
            #expect(events.contains { $0["event"] as? String == "chunk_done" }, "index \(index): \(result.stdout)")
        }
        let stitched = try runTask(stitch, batchId: stitchId, index: nil)
        #expect(stitched.status == 0, "stitch exited \(stitched.status): \(stitched.stderr.suffix(1500))")

        // The prefix holds every frame (non-empty) and the video, and nothing a task left half-done.
        let store = StoreFactory.open(try StoreLocation(parsing: output), client: client)
        let objects = try await store.listAll(prefix: "")
        let frames = objects.filter { $0.key.hasPrefix("frames/") }
        #expect(frames.map(\.key).sorted() == (1...5).map { plan.output.frameKey($0) })
        #expect(frames.allSatisfy { $0.size > 0 })
        let video = try #require(objects.first { $0.key.hasSuffix(".mp4") }, "no video in \(objects.map(\.key))")

        // The video has one frame per rendered frame.
        let local = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("video")).mp4")
        defer { try? FileManager.default.removeItem(at: local) }
        try await store.get(key: video.key, to: local)
        #expect(try MediaCheck.videoFrames(local.path) == 5)

        // A retried task (attempt 2, frames already stored) renders nothing and succeeds.
        let retried = try runTask(render, batchId: renderId, index: 1)
        #expect(retried.status == 0)
        let started = retried.stdout.split(separator: "\n").filter { $0.contains("frame_started") }
        #expect(started.isEmpty, "a retry rendered again: \(started)")
    }

    @Test("a .blend's texture outside its folder travels with it: the task renders the texture's colour, not Blender's missing-image magenta", .requires(.moto))
    func externalFilesTravel() async throws {
        // project/shots/scene.blend lights its world with //../textures/red.png.
        let project = Binary.folder("aws-bundle")
        let blend = try TexturedScene.make(in: project)
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        let client = self.client
        let notices = Notices()
        var executor = AWSBatchExecutor(batch: batch, settings: AWSBatchSettings(queue: fleet.queueName, jobDefinition: definition),
                                        openStore: { StoreFactory.open($0, client: client) })
        executor.index = nil
        executor.notice = { notices.append($0) }

        let output = "s3://\(bucket)/jobs/bundle"
        let plan = try JobManifest.plan(
            id: uniqueName("bundle"), input: blend, scene: nil, frames: FrameSet(1...1), chunking: .frames(1),
            overrides: RenderOverrides(resolutionPercentage: 100, resolutionX: 16, resolutionY: 16, samples: 1, engine: "CYCLES", threads: 1),
            output: OutputSpec(location: output, name: "scene"), stitch: nil)
        let handle = try await executor.submitJob(plan)
        var uploads: [String] { notices.lines.filter { $0.contains(": uploaded with") } }
        #expect(uploads.count == 1 && uploads[0].hasPrefix("scene.blend: uploaded with the 1 file it uses ("), "\(notices.lines)")

        // The .blend goes to the job folder; the texture to the output's shared files, under its SHA-256;
        // the manifest lays them out as they are below the common folder (project/).
        let store = StoreFactory.open(try StoreLocation(parsing: output), client: client)
        let blendKey = ".blendbatch/jobs/\(plan.id)/input/shots/scene.blend"
        let textureKey = AWSBatchExecutor.filesPrefix + (try FileDigest.sha256Hex(ofFile: project + "/textures/red.png"))
        let blendObject = try await store.head(key: blendKey), textureObject = try await store.head(key: textureKey)
        #expect(blendObject != nil && textureObject != nil)
        #expect(handle.manifest.input == "\(output)/\(blendKey)")
        #expect(handle.manifest.inputFiles == [InputFile(path: "shots/scene.blend", url: "\(output)/\(blendKey)"),
                                              InputFile(path: "textures/red.png", url: "\(output)/\(textureKey)")])

        let renderId = try #require(handle.record.latest.renderJobId)
        let render = try #require(try await batch.describeJobs([renderId]).first)
        let result = try runTask(render, batchId: renderId, index: nil)
        #expect(result.status == 0, "the task exited \(result.status): \(result.stderr.suffix(1500))")

        let frame = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("frame")).png")
        defer { try? FileManager.default.removeItem(at: frame) }
        try await store.get(key: plan.output.frameKey(1), to: frame)
        let (red, green, blue) = try TexturedScene.centrePixel(frame.path)
        #expect(red > 200 && green < 40 && blue < 40, "the frame's centre is (\(red), \(green), \(blue)), not the texture's red")

        // The same shot again: only the .blend goes up; the texture is already there.
        var again = plan
        again.id = uniqueName("bundle-again")
        _ = try await executor.submitJob(again)
        #expect(uploads.count == 2 && uploads[1].contains("1 already in \(output)/.blendbatch/files/ from earlier jobs"), "\(notices.lines)")
    }

    @Test("a manifest whose input file would land outside the task's input folder is refused (64), nothing rendered", .requires(.moto))
    func inputFileEscapingRefused() async throws {
        let bucket = uniqueName("renders")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let output = "s3://\(bucket)/jobs/escape"
        let store = StoreFactory.open(try StoreLocation(parsing: output), client: client)
        try await store.put(file: URL(fileURLWithPath: Binary.demo), key: "in/demo.blend")
        try await store.put(data: Data("x".utf8), key: "in/x.png")
        var manifest = try JobManifest.plan(
            id: uniqueName("escape"), input: "\(output)/in/demo.blend", scene: nil, frames: FrameSet(1...1), chunking: .frames(1),
            overrides: RenderOverrides(resolutionPercentage: 10, samples: 1, threads: 1), output: OutputSpec(location: output, name: "demo"), stitch: nil)
        manifest.inputFiles = [InputFile(path: "shots/demo.blend", url: "\(output)/in/demo.blend"),
                               InputFile(path: "../../escaped.png", url: "\(output)/in/x.png")]
        try await store.put(data: try manifest.encoded(), key: "manifest.json")
        var environment = containerBase
        environment["BLENDBATCH_MANIFEST"] = "\(output)/manifest.json"
        environment["AWS_BATCH_JOB_ID"] = "escape-test"
        let result = try CLIRunner.run(["worker"], environment: environment)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("manifest: input file path ../../escaped.png leaves the input folder"), "\(result.stderr)")
        #expect(try await store.listAll(prefix: "frames/").isEmpty)
    }

    /// Lines an executor reported, in order.
    final class Notices: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
