import AWSCore
import AWSServices
import Executors
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// `blendbatch render … --backend aws` through the binary against moto: what it submits to Batch.
@Suite("render --backend aws (binary, moto)", .serialized)
struct RenderAWSBackendTests {
    @Test("render --backend aws: .blend uploaded, manifest beside the output, one array job of chunk-count children, one stitch job after it", .requires(.moto))
    func submission() async throws {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        let state = Binary.folder("aws-render-state")

        let out = "s3://\(bucket)/jobs/demo"
        let result = try runAWSCLI(["render", Binary.demo, "--backend", "aws", "--queue", fleet.queueName, "--job-definition", definition,
                                    "--out", out, "--frames", "1-6", "--chunk", "2", "--percent", "20", "--samples", "1"], home: state)
        #expect(result.code == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!id.isEmpty && !id.contains("\n"), "stdout: \(result.stdout)")

        let store = StoreFactory.open(try StoreLocation(parsing: out), client: client)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let record = try decoder.decode(AWSJobRecord.self, from: try await store.read(key: ".blendbatch/jobs/\(id)/aws.json"))
        let manifest = try JobManifest.decode(try await store.read(key: ".blendbatch/jobs/\(id)/manifest.json"))
        #expect(manifest.chunks.map(\.frames) == [[1, 2], [3, 4], [5, 6]])
        #expect(manifest.input == "\(out)/.blendbatch/jobs/\(id)/input/demo.blend")
        #expect(manifest.output.location == out)
        #expect(manifest.overrides.resolutionPercentage == 20 && manifest.overrides.samples == 1)
        #expect(manifest.overrides.threads == nil)
        #expect(try await store.read(key: ".blendbatch/jobs/\(id)/input/demo.blend") == (try Data(contentsOf: URL(fileURLWithPath: Binary.demo))))

        let renderId = try #require(record.latest.renderJobId)
        let stitchId = try #require(record.latest.stitchJobId)
        #expect(result.stderr.contains(renderId) && result.stderr.contains(stitchId))
        let jobs = try await batch.describeJobs([renderId, stitchId])
        let render = try #require(jobs.first { $0.jobId == renderId })
        let stitch = try #require(jobs.first { $0.jobId == stitchId })
        #expect(render.arrayProperties?.size == 3)
        #expect(render.jobQueue == fleet.queueArn)
        #expect(render.environment("BLENDBATCH_MANIFEST") == "\(out)/.blendbatch/jobs/\(id)/manifest.json")
        #expect(stitch.dependsOn?.map(\.jobId) == [renderId])
        #expect(stitch.container?.command == ["worker", "--stage", "stitch"])

        // The job is remembered here: status finds it by id (moto's Batch "succeeds" at once without
        // running a task, so no frame is in the store: a failure, exit 70).
        let status = try runAWSCLI(["status", id, "--json"], home: state)
        #expect(status.code == 70, "\(status.stderr)")
        #expect((try? Binary.json(status.stdout))?["id"] as? String == id, "\(status.stdout)")
    }

    @Test("render a.blend b.blend --backend aws: both jobs submitted, each into OUT/<name> with its own .blend; one id per line", .requires(.moto))
    func severalFiles() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let state = Binary.folder("aws-render-files")
        let second = state + "/shot2.blend"
        try FileManager.default.copyItem(atPath: Binary.demo, toPath: second)
        let out = "s3://\(target.bucket)/jobs"
        let result = try runAWSCLI(["render", Binary.demo, second, "--backend", "aws", "--queue", target.fleet.queueName,
                                    "--job-definition", target.definition, "--out", out, "--frames", "1-2", "--percent", "20", "--samples", "1"],
                                   home: state)
        #expect(result.code == 0, "\(result.stderr)")
        let ids = result.stdout.split(separator: "\n").map(String.init)
        #expect(ids.count == 2, "stdout: \(result.stdout)")
        for (id, name) in zip(ids, ["demo", "shot2"]) {
            let store = StoreFactory.open(try StoreLocation(parsing: "\(out)/\(name)"), client: client)
            let manifest = try JobManifest.decode(try await store.read(key: ".blendbatch/jobs/\(id)/manifest.json"))
            #expect(manifest.output.location == "\(out)/\(name)")
            #expect(manifest.input == "\(out)/\(name)/.blendbatch/jobs/\(id)/input/\(name).blend")
        }
    }

    @Test("render --backend aws names the references that cannot travel with the .blend (absolute, missing) and still submits", .requires(.moto))
    func untravelledReferences() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        // absolute_path.blend refers to /home/sybren/…/buildings_roof_04-color.png and //textures/Bricks/… (not here).
        let folder = Binary.folder("aws-untravelled")
        let blend = folder + "/abs.blend"
        try FileManager.default.copyItem(atPath: InfoCommandTests.data + "/absolute_path.blend", toPath: blend)
        try SceneCamera.add(to: blend)
        let result = try runAWSCLI(["render", blend, "--backend", "aws", "--queue", fleet.queueName, "--job-definition", definition,
                                    "--out", "s3://\(bucket)/jobs/abs", "--frames", "1-2"], home: Binary.folder("aws-untravelled-state"))
        #expect(result.code == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("blendbatch: abs.blend: 1 absolute path cannot travel with the .blend: /home/sybren/") }, "\(result.stderr)")
        #expect(lines.contains("blendbatch: abs.blend: 1 file is missing here: //textures/Bricks/brick_dotted_04-color.jpg (in abs.blend); "
                               + "Blender renders missing images magenta"), "\(result.stderr)")
    }

    @Test("render --backend aws --wait follows the job to its end (moto's Batch ends jobs at once) and counts frames in the store: none there, so failed with the frames named, exit 70", .requires(.moto))
    func waits() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let (fleet, definition, bucket) = (target.fleet, target.definition, target.bucket)
        let result = try runAWSCLI(["render", Binary.demo, "--backend", "aws", "--queue", fleet.queueName, "--job-definition", definition,
                                    "--out", "s3://\(bucket)/jobs/wait", "--frames", "1-2", "--wait", "--json"], home: Binary.folder("aws-wait"))
        #expect(result.code == 70, "\(result.stderr)")
        // moto "runs" Batch jobs without containers: Batch says succeeded, but no frame reached the store.
        let report = try Binary.json(result.stdout)
        #expect(report["state"] as? String == "failed", "\(result.stdout) \(result.stderr)")
        #expect((report["failedFrames"] as? [[String: Any]])?.compactMap { $0["frame"] as? Int } == [1, 2])
        #expect((report["reason"] as? String)?.contains("frame(s) 1,2 are not in s3://\(bucket)/jobs/wait") == true, "\(report)")
        #expect(result.code == 70)
    }

    @Test("render --backend aws needs --queue and an s3:// --out; an unknown queue is named", .requires(.moto))
    func badInput() async throws {
        let noQueue = try runAWSCLI(["render", Binary.demo, "--backend", "aws", "--out", "s3://b/x"])
        #expect(noQueue.code == 64)
        #expect(noQueue.stderr.contains("--queue"))
        let localOut = try runAWSCLI(["render", Binary.demo, "--backend", "aws", "--queue", "q", "--out", Binary.folder("local")])
        #expect(localOut.code == 64)
        #expect(localOut.stderr.contains("s3://"))
        let client = motoClient()
        let bucket = uniqueName("renders")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let unknown = try runAWSCLI(["render", Binary.demo, "--backend", "aws", "--queue", "no-such-queue", "--out", "s3://\(bucket)/x",
                                     "--frames", "1-2"])
        #expect(unknown.code == 66)
        #expect(unknown.stderr.contains("no-such-queue"))
    }
}
