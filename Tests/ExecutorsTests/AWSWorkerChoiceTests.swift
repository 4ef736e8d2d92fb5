import AWSCore
import AWSServices
@testable import Executors
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// Which queue and job definition a render goes to on AWS: a Blender that can open the file, a GPU for cuda/optix.
@Suite("AWS worker choice: job definition by Blender version, GPU queue by device", .serialized)
struct AWSWorkerChoiceTests {
    /// A job definition as DescribeJobDefinitions returns it.
    func definition(_ name: String, revision: Int = 1, blender: String?, gpus: Int = 0) throws -> JobDefinition {
        var requirements: [[String: String]] = [["type": "VCPU", "value": "4"]]
        if gpus > 0 { requirements.append(["type": "GPU", "value": "\(gpus)"]) }
        let json: [String: Any] = [
            "jobDefinitionName": name, "jobDefinitionArn": "arn:aws:batch:us-east-1:1:job-definition/\(name):\(revision)",
            "revision": revision, "status": "ACTIVE",
            "containerProperties": ["image": "img", "resourceRequirements": requirements],
            "tags": blender.map { [JobDefinition.blenderVersionTag: $0] } ?? [:],
        ]
        return try JSONDecoder().decode(JobDefinition.self, from: JSONSerialization.data(withJSONObject: json))
    }

    func file(_ version: String) -> AWSWorkerChoice.File {
        AWSWorkerChoice.File(name: "shot.blend", savedBy: BlenderVersion(parsing: version)!)
    }

    @Test("a file gets the lowest Blender that can open it; the definition named is kept when it can")
    func lowestCompatible() throws {
        let defs = [try definition("w", blender: "4.2.9"), try definition("w-blender-5-0", blender: "5.0.1"),
                    try definition("w-blender-4-5", blender: "4.5.5")]
        let (chosen, notices) = try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: nil, file: file("4.3"),
                                                         allowOlderBlender: false)
        #expect(chosen.jobDefinitionName == "w-blender-4-5")
        #expect(notices.isEmpty)
        let (named, _) = try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: nil, file: file("4.2"), allowOlderBlender: false)
        #expect(named.jobDefinitionName == "w")
        let (newest, _) = try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: nil, file: file("5.0"), allowOlderBlender: false)
        #expect(newest.jobDefinitionName == "w-blender-5-0")
    }

    @Test("a file from a newer major is refused (65) naming both versions and what to do, unless --allow-older-blender")
    func refusedWhenTooOld() throws {
        let defs = [try definition("w", revision: 3, blender: "4.5.5")]
        #expect {
            try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: nil, file: file("5.0"), allowOlderBlender: false)
        } throws: { error in
            guard let error = error as? AWSBatchError else { return false }
            return error.exitCode == .dataError && error.description.hasPrefix(
                "shot.blend was saved by Blender 5.0; job definition w:3 has Blender 4.5.5: build an image with `scripts/aws/build-image --blender 5.0.")
                && error.description.contains("--job-definition") && error.description.contains("--allow-older-blender")
        }
        let (chosen, notices) = try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: nil, file: file("5.0"), allowOlderBlender: true)
        #expect(chosen.reference == "w:3")
        #expect(notices == ["--allow-older-blender: shot.blend was saved by Blender 5.0; job definition w:3 has Blender 4.5.5"])
    }

    @Test("a newer minor of the same major warns and continues; a definition without a version warns and continues")
    func warnings() throws {
        let (older, said) = try AWSWorkerChoice.pick(named: "w", among: [try definition("w", blender: "4.2.9")], gpu: false, device: nil,
                                                     file: file("4.5"), allowOlderBlender: false)
        #expect(older.jobDefinitionName == "w")
        #expect(said.count == 1 && said[0].contains("Blender 4.5") && said[0].contains("Blender 4.2.9"))
        let (unknown, told) = try AWSWorkerChoice.pick(named: "w", among: [try definition("w", blender: nil)], gpu: false, device: nil,
                                                       file: file("5.0"), allowOlderBlender: false)
        #expect(unknown.jobDefinitionName == "w")
        #expect(told == ["job definition w:1 records no Blender version (tag blendbatch:blender-version): cannot check that it opens shot.blend (Blender 5.0)"])
    }

    @Test("cuda/optix take a GPU definition, CPU renders a CPU one; none with a GPU is 69")
    func gpuDefinitions() throws {
        let defs = [try definition("w", blender: "4.5.5"), try definition("w-gpu", blender: "4.5.5", gpus: 1)]
        #expect(try AWSWorkerChoice.pick(named: "w", among: defs, gpu: true, device: "optix", file: file("4.2"), allowOlderBlender: false).0
            .jobDefinitionName == "w-gpu")
        #expect(try AWSWorkerChoice.pick(named: "w", among: defs, gpu: false, device: "cpu", file: file("4.2"), allowOlderBlender: false).0
            .jobDefinitionName == "w")
        #expect {
            try AWSWorkerChoice.pick(named: "w", among: [defs[0]], gpu: true, device: "cuda", file: nil, allowOlderBlender: false)
        } throws: { ($0 as? AWSBatchError)?.exitCode == .unavailable && "\($0)".contains("--device cuda needs a job definition with a GPU") }
    }

    @Test("the release that saved a .blend is read from it, or from a library it links when a newer Blender saved that")
    func fileAndLibraries() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("awsimg-linked"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = blendBat() + "/"
        for name in ["linked_cube.blend", "basic_file.blend"] {  // linked_cube.blend links //basic_file.blend; both 2.79
            try FileManager.default.copyItem(atPath: data + name, toPath: folder.appendingPathComponent(name).path)
        }
        let shot = folder.appendingPathComponent("linked_cube.blend").path
        #expect(AWSWorkerChoice.File.read(blend: shot) == AWSWorkerChoice.File(name: "linked_cube.blend", savedBy: BlenderVersion(2, 79)))
        let library = folder.appendingPathComponent("basic_file.blend")
        var bytes = try Data(contentsOf: library)
        bytes.replaceSubrange(9..<12, with: Data("500".utf8))  // BLENDER-v279 -> BLENDER-v500
        try bytes.write(to: library)
        #expect(AWSWorkerChoice.File.read(blend: shot)
            == AWSWorkerChoice.File(name: "basic_file.blend (linked by linked_cube.blend)", savedBy: BlenderVersion(5, 0)))
        #expect(AWSWorkerChoice.File.read(blend: folder.appendingPathComponent("none.blend").path) == nil)
    }

    // MARK: on moto

    /// A CPU fleet named `<base>-render` and, with `gpu`, a g5 fleet named `<base>-render-gpu`.
    func fleets(gpu: Bool) async throws -> (cpu: MotoBatchFleet, gpu: MotoBatchFleet?) {
        let client = motoClient()
        let base = uniqueName("awsimg")
        let cpu = try await MotoBatchFleet.create(client: client, queueName: "\(base)-render")
        let gpuFleet = gpu ? try await MotoBatchFleet.create(client: client, queueName: "\(base)-render-gpu", instanceTypes: ["g5.xlarge"]) : nil
        return (cpu, gpuFleet)
    }

    func register(_ name: String, blender: String?, gpus: Int = 0) async throws {
        _ = try await BatchClient(client: motoClient()).registerJobDefinition(
            .blendbatchWorker(name: name, image: "img:1", gpus: gpus, blenderVersion: blender, interruptedExitCode: 75))
    }

    @Test("on moto: definitions for 4.2 and 5.0 of one family; a 4.5 file gets 5.0, the newest revision, and nothing outside the family", .requires(.moto))
    func onMoto() async throws {
        let batch = BatchClient(client: motoClient())
        let family = uniqueName("awsimg-worker")
        try await register(family, blender: "4.2.9")
        try await register("\(family)-blender-5-0", blender: "5.0.0")
        try await register("\(family)-blender-5-0", blender: "5.0.1")
        try await register("\(family)x", blender: "4.5.5")  // another family: not a candidate
        let (cpu, _) = try await fleets(gpu: false)
        let queue = try #require(try await batch.jobQueue(cpu.queueName))
        let choice = try await AWSWorkerChoice.resolve(batch: batch, queue: queue, jobDefinition: family, device: nil,
                                                       file: file("4.5"), allowOlderBlender: false)
        #expect(choice.definition.reference == "\(family)-blender-5-0:2")
        #expect(choice.definition.blenderVersion == "5.0.1")
        #expect(choice.queue.jobQueueName == cpu.queueName)
        #expect(choice.notices == ["job definition \(family)-blender-5-0:2 (Blender 5.0.1), queue \(cpu.queueName)"])
        // Only the 4.2 one: a 5.0 file is refused.
        await #expect {
            try await AWSWorkerChoice.resolve(batch: batch, queue: queue, jobDefinition: "\(family):1", device: nil,
                                              file: file("5.0"), allowOlderBlender: false)
        } throws: { ($0 as? AWSBatchError)?.exitCode == .dataError }
    }

    @Test("on moto: --device optix goes to <queue>-gpu (g5) with the GPU definition; no GPU queue is 69; hip is 64", .requires(.moto))
    func gpuRoutingOnMoto() async throws {
        let batch = BatchClient(client: motoClient())
        let family = uniqueName("awsimg-worker")
        try await register(family, blender: "4.5.5")
        try await register("\(family)-gpu", blender: "4.5.5", gpus: 1)
        let (cpu, gpuFleet) = try await fleets(gpu: true)
        let queue = try #require(try await batch.jobQueue(cpu.queueName))
        let choice = try await AWSWorkerChoice.resolve(batch: batch, queue: queue, jobDefinition: family, device: "optix",
                                                       file: file("4.2"), allowOlderBlender: false)
        #expect(choice.queue.jobQueueName == gpuFleet?.queueName)
        #expect(choice.definition.jobDefinitionName == "\(family)-gpu")
        #expect(choice.notices == ["job definition \(family)-gpu:1 (Blender 4.5.5, 1 GPU), queue \(cpu.queueName)-gpu"])
        let cpuChoice = try await AWSWorkerChoice.resolve(batch: batch, queue: queue, jobDefinition: family, device: "cpu",
                                                          file: file("4.2"), allowOlderBlender: false)
        #expect(cpuChoice.queue.jobQueueName == cpu.queueName && cpuChoice.definition.jobDefinitionName == family)

        let (lonely, _) = try await fleets(gpu: false)
        let lonelyQueue = try #require(try await batch.jobQueue(lonely.queueName))
        await #expect {
            try await AWSWorkerChoice.resolve(batch: batch, queue: lonelyQueue, jobDefinition: family, device: "cuda", file: nil,
                                              allowOlderBlender: false)
        } throws: { ($0 as? AWSBatchError)?.exitCode == .unavailable && "\($0)".contains("queue \(lonely.queueName) launches none") }
        await #expect {
            try await AWSWorkerChoice.resolve(batch: batch, queue: queue, jobDefinition: family, device: "hip", file: nil, allowOlderBlender: false)
        } throws: { ($0 as? AWSBatchError)?.exitCode == .usage }
    }

    @Test("on moto: a 5.0 .blend with only a 4.5 definition is refused before anything is uploaded", .requires(.moto))
    func refusedBeforeUpload() async throws {
        let client = motoClient()
        let family = uniqueName("awsimg-worker")
        try await register(family, blender: "4.5.5")
        let (cpu, _) = try await fleets(gpu: false)
        let bucket = uniqueName("awsimg-renders")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let blend = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("shot")).blend")
        try Data("BLENDER-v500 not decoded further".utf8).write(to: blend)
        let executor = AWSBatchExecutor(batch: BatchClient(client: client), settings: AWSBatchSettings(queue: cpu.queueName, jobDefinition: family),
                                        openStore: { StoreFactory.open($0, client: client) })
        let manifest = JobManifest(id: uniqueName("job"), input: blend.path, scene: nil, overrides: RenderOverrides(),
                                   chunks: [FrameChunk(index: 0, frames: [1])], output: OutputSpec(location: "s3://\(bucket)/x", name: "shot"),
                                   stitch: nil)
        await #expect {
            try await executor.submitJob(manifest, file: file("5.0"))
        } throws: { ($0 as? AWSBatchError)?.exitCode == .dataError }
        #expect(try await StoreFactory.open(try StoreLocation(parsing: "s3://\(bucket)"), client: client).listAll(prefix: "").isEmpty)
    }
}
