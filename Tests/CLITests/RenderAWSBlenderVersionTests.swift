import AWSCore
import AWSServices
import Foundation
import ObjectStore
import Testing

/// `render --backend aws` through the binary against moto: the job definition whose Blender can open
/// the file, the GPU queue for --device optix, and the refusal before any upload.
@Suite("render --backend aws: Blender version and device (binary, moto)", .serialized)
struct RenderAWSBlenderVersionTests {
    /// A copy of the demo (saved by Debian's Blender 3.4) whose header says `version` (e.g. "500", "402").
    func demo(savedBy version: String) throws -> String {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Binary.demo))
        #expect(bytes.prefix(9) == Data("BLENDER-v".utf8))
        bytes.replaceSubrange(9..<12, with: Data(version.utf8))
        let path = Binary.folder(uniqueName("awsimg-v\(version)")) + "/shot.blend"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    func register(_ batch: BatchClient, _ name: String, blender: String, gpus: Int = 0) async throws {
        _ = try await batch.registerJobDefinition(.blendbatchWorker(name: name, image: "img:1", gpus: gpus, blenderVersion: blender,
                                                                    interruptedExitCode: 75))
    }

    @Test("a .blend saved by Blender 5.0 with only a Blender 4.5 job definition: exit 65, one line naming both, nothing uploaded", .requires(.moto))
    func refusedBeforeUpload() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let family = uniqueName("awsimg-worker")
        try await register(BatchClient(client: client), family, blender: "4.5.5")
        let out = "s3://\(target.bucket)/jobs/shot"
        let result = try runAWSCLI(["render", try demo(savedBy: "500"), "--backend", "aws", "--queue", target.fleet.queueName,
                                    "--job-definition", family, "--out", out, "--frames", "1-2"], home: Binary.folder(uniqueName("awsimg-state")))
        #expect(result.code == 65, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("blendbatch: shot.blend was saved by Blender 5.0; job definition \(family):1 has Blender 4.5.5: "
                                        + "build an image with `scripts/aws/build-image --blender 5.0."), "\(result.stderr)")
        #expect(!result.stderr.contains("resume"))
        let bucket = StoreFactory.open(try StoreLocation(parsing: "s3://\(target.bucket)"), client: client)
        #expect(try await bucket.listAll(prefix: "").isEmpty)

        // --allow-older-blender submits it anyway, saying so.
        let forced = try runAWSCLI(["render", try demo(savedBy: "500"), "--backend", "aws", "--queue", target.fleet.queueName,
                                    "--job-definition", family, "--out", out, "--frames", "1-2", "--allow-older-blender"],
                                   home: Binary.folder(uniqueName("awsimg-state")))
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("--allow-older-blender: shot.blend was saved by Blender 5.0"))
    }

    @Test("a library the .blend links, saved by Blender 5.0, is refused like the .blend itself (65), naming the library", .requires(.moto))
    func linkedLibraryTooNew() async throws {
        let client = motoClient()
        let target = try await MotoRenderTarget.create(client: client)
        let family = uniqueName("awsimg-worker")
        try await register(BatchClient(client: client), family, blender: "4.5.5")
        let folder = Binary.folder(uniqueName("awsimg-linked"))
        for name in ["linked_cube.blend", "basic_file.blend"] {  // linked_cube.blend (2.79) links //basic_file.blend
            try FileManager.default.copyItem(atPath: InfoCommandTests.data + "/" + name, toPath: folder + "/" + name)
        }
        try SceneCamera.add(to: folder + "/linked_cube.blend")
        var library = try Data(contentsOf: URL(fileURLWithPath: folder + "/basic_file.blend"))
        library.replaceSubrange(9..<12, with: Data("500".utf8))
        try library.write(to: URL(fileURLWithPath: folder + "/basic_file.blend"))
        let result = try runAWSCLI(["render", folder + "/linked_cube.blend", "--backend", "aws", "--queue", target.fleet.queueName,
                                    "--job-definition", family, "--out", "s3://\(target.bucket)/jobs/linked", "--frames", "1-2"],
                                   home: Binary.folder(uniqueName("awsimg-state")))
        #expect(result.code == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("blendbatch: basic_file.blend (linked by linked_cube.blend) was saved by Blender 5.0; "
                                        + "job definition \(family):1 has Blender 4.5.5"), "\(result.stderr)")
    }

    @Test("a 4.2 file picks the lowest Blender that opens it; --device optix renders on <queue>-gpu with the GPU definition", .requires(.moto))
    func definitionAndDevice() async throws {
        let client = motoClient()
        let batch = BatchClient(client: client)
        let target = try await MotoRenderTarget.create(client: client)
        let gpuFleet = try await MotoBatchFleet.create(client: client, queueName: target.fleet.queueName + "-gpu", instanceTypes: ["g5.xlarge"])
        let family = uniqueName("awsimg-worker")
        try await register(batch, family, blender: "4.2.9")
        try await register(batch, "\(family)-blender-4-5", blender: "4.5.5")
        try await register(batch, "\(family)-blender-5-0", blender: "5.0.1")
        try await register(batch, "\(family)-blender-4-5-gpu", blender: "4.5.5", gpus: 1)
        let shot = try demo(savedBy: "403")
        let out = "s3://\(target.bucket)/jobs/shot"

        let cpu = try runAWSCLI(["render", shot, "--backend", "aws", "--queue", target.fleet.queueName, "--job-definition", family,
                                 "--out", out, "--frames", "1-2", "--json"], home: Binary.folder(uniqueName("awsimg-state")))
        #expect(cpu.code == 0, "\(cpu.stderr)")
        #expect(cpu.stderr.contains("job definition \(family)-blender-4-5:1 (Blender 4.5.5), queue \(target.fleet.queueName)"), "\(cpu.stderr)")
        let cpuRecord = try Binary.json(cpu.stdout)
        #expect((cpuRecord["jobDefinition"] as? String)?.hasSuffix(":job-definition/\(family)-blender-4-5:1") == true)

        let gpu = try runAWSCLI(["render", shot, "--backend", "aws", "--queue", target.fleet.queueName, "--job-definition", family,
                                 "--out", out, "--frames", "1-2", "--device", "optix", "--json"], home: Binary.folder(uniqueName("awsimg-state")))
        #expect(gpu.code == 0, "\(gpu.stderr)")
        #expect(gpu.stderr.contains("job definition \(family)-blender-4-5-gpu:1 (Blender 4.5.5, 1 GPU), queue \(gpuFleet.queueName)"),
                "\(gpu.stderr)")
        let record = try Binary.json(gpu.stdout)
        #expect(record["queue"] as? String == gpuFleet.queueArn)
        let submissions = try #require(record["submissions"] as? [[String: Any]])
        let renderId = try #require(submissions.first?["renderJobId"] as? String)
        let job = try #require(try await batch.describeJob(renderId))
        #expect(job.jobQueue == gpuFleet.queueArn)
        #expect(job.jobDefinition.hasSuffix("job-definition/\(family)-blender-4-5-gpu:1"))
    }
}
