import AWSCore
import AWSServices
import Foundation
import ObjectStore
import RenderPlan
import Testing

/// `blendbatch plan` through the binary: local and s3:// inputs, the manifest where the workers and
/// the Step Functions export look for it.
@Suite("blendbatch plan (binary)", .serialized, .requires(.blender))
struct PlanCommandTests {
    /// The binary's environment with AWS pointed at moto and no ~/.aws.
    static var motoEnvironment: [String: String] {
        ["AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
         "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
         "AWS_ENDPOINT_URL": motoURL ?? "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "2"]
    }

    static func manifest(at path: String) throws -> JobManifest {
        try JobManifest.decode(try #require(FileManager.default.contents(atPath: path), "no manifest at \(path)"))
    }

    @Test("a local .blend: frames and chunk as given, the scene's fps, the manifest under OUT/.blendbatch/jobs/ID")
    func localInput() throws {
        let out = Binary.folder("plan")
        let result = try CLIRunner.run(["plan", Binary.demo, "--out", out, "--job-id", "shot-001", "--frames", "1-10", "--chunk", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let path = out + "/.blendbatch/jobs/shot-001/manifest.json"
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == path)
        let manifest = try Self.manifest(at: path)
        #expect(manifest.id == "shot-001")
        #expect(manifest.input == Binary.demo)
        #expect(manifest.scene == "Demo")
        #expect(manifest.chunks.map(\.frames) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
        #expect(manifest.output.location == out)
        #expect(manifest.output.name == "demo")
        #expect(manifest.stitch?.frameRate == 24)
    }

    @Test("empty --frames and --chunk-size auto (the export's defaults): the scene's range, 10 frames a task")
    func exportDefaults() throws {
        let out = Binary.folder("plan-auto")
        let result = try CLIRunner.run(["plan", Binary.demo, "--out", out, "--job-id", "auto", "--frames", "",
                                        "--chunk-size", "auto", "--no-video", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try Binary.json(result.stdout)
        #expect(summary["chunks"] as? Int == 5)
        #expect(summary["frames"] as? Int == 48)
        let manifest = try Self.manifest(at: out + "/.blendbatch/jobs/auto/manifest.json")
        #expect(manifest.allFrames == Array(1...48))
        #expect(manifest.chunks.map(\.frames.count) == [10, 10, 10, 10, 8])
        #expect(manifest.stitch == nil)
    }

    @Test("bad input: a missing file, a bad chunk, an unknown scene, a file that is not a .blend")
    func badInput() throws {
        let out = Binary.folder("plan-bad")
        let missing = try CLIRunner.run(["plan", out + "/nope.blend", "--out", out, "--job-id", "x"])
        #expect(missing.status == 66)
        let chunk = try CLIRunner.run(["plan", Binary.demo, "--out", out, "--job-id", "x", "--chunk", "0"])
        #expect(chunk.status == 64)
        #expect(chunk.stderr.contains("--chunk 0"))
        let scene = try CLIRunner.run(["plan", Binary.demo, "--out", out, "--job-id", "x", "--scene", "Nope"])
        #expect(scene.status == 65)
        #expect(scene.stderr.contains("Demo"))
        let text = out + "/text.blend"
        try Data("not a blend file at all".utf8).write(to: URL(fileURLWithPath: text))
        let notBlend = try CLIRunner.run(["plan", text, "--out", out, "--job-id", "x"])
        #expect(notBlend.status == 65)
        #expect(!FileManager.default.fileExists(atPath: out + "/.blendbatch/jobs/x/manifest.json"))
    }

    @Test("the export's Detect frames command, run as given: s3:// .blend read, manifest where Read plan fetches it", .requires(.moto))
    func stepFunctionsDetectFrames() async throws {
        let client = motoClient()
        let bucket = uniqueName("plan")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let bucketStore = StoreFactory.open(try StoreLocation(parsing: "s3://\(bucket)"), client: client)
        try await bucketStore.put(file: URL(fileURLWithPath: Binary.demo), key: "shots/demo.blend")

        // The execution input and the state machine's own derivations (Prepare), as Step Functions would.
        let input = "s3://\(bucket)/shots/demo.blend", prefix = "jobs/demo", jobId = "exec-\(uniqueName("x"))"
        let definition = RenderPipelineDefinition(jobQueue: "q", jobDefinition: "d").definition
        let states = try #require(definition["States"])
        let command = try #require(states[RenderPipelineDefinition.State.detectFrames]?["Parameters"]?["ContainerOverrides"]?["Command.$"]?.stringValue)
        let values = ["$.args.input": input, "$.output": "s3://\(bucket)/\(prefix)", "$.jobId": jobId,
                      "$.args.frames": "", "$.args.chunkSize": "auto"]
        #expect(command.hasPrefix("States.Array(") && command.hasSuffix(")"))
        let arguments = try command.dropFirst("States.Array(".count).dropLast().components(separatedBy: ", ").map { item -> String in
            if item.hasPrefix("'") { return String(item.dropFirst().dropLast()) }
            return try #require(values[item], "unexpected path \(item) in \(command)")
        }
        #expect(arguments.first == "plan")

        let result = try CLIRunner.run(arguments, environment: Self.motoEnvironment.merging(["BLENDBATCH_LOG_LEVEL": "debug"]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        // Read where it is: ranged GETs, nothing downloaded.
        #expect(result.stderr.contains("\(input): read ") && result.stderr.contains(" ranged GETs and 1 HEAD"), "\(result.stderr)")

        // Read plan fetches `manifestKey` (Prepare: '{}/.blendbatch/jobs/{}/manifest.json' of prefix and execution name).
        let format = try #require(states[RenderPipelineDefinition.State.prepare]?["Parameters"]?["manifestKey.$"]?.stringValue)
        #expect(format.contains("'{}/.blendbatch/jobs/{}/manifest.json'"))
        let manifestKey = "\(prefix)/.blendbatch/jobs/\(jobId)/manifest.json"
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "s3://\(bucket)/\(manifestKey)")
        let manifest = try JobManifest.decode(try await bucketStore.read(key: manifestKey))
        #expect(manifest.id == jobId)
        #expect(manifest.input == input)
        #expect(manifest.output.location == "s3://\(bucket)/\(prefix)")
        #expect(manifest.allFrames == Array(1...48))
        #expect(manifest.chunks.count == 5)
        #expect(manifest.stitch != nil)

        // A missing object is "no input", not a store failure.
        let missing = try CLIRunner.run(["plan", "s3://\(bucket)/shots/none.blend", "--out", "s3://\(bucket)/\(prefix)", "--job-id", "y"],
                                        environment: Self.motoEnvironment)
        #expect(missing.status == 66, "\(missing.stderr)")
    }
}
