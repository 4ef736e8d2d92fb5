import AWSServices
import Foundation
import Testing

/// Run the built binary against moto: AWS settings in the environment, stdout and stderr apart.
func runAWSCLI(_ arguments: [String], home: String? = nil, environment extra: [String: String] = [:]) throws -> (code: Int32, stdout: String, stderr: String) {
    let environment: [String: String] = [
        "AWS_ENDPOINT_URL": ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"] ?? "http://127.0.0.1:1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "XDG_STATE_HOME": home ?? Binary.folder("aws-state"),
    ]
    let result = try CLIRunner.run(arguments, environment: environment.merging(extra) { $1 })
    return (result.status, result.stdout, result.stderr)
}

@Suite("blendbatch aws register-job-definition", .serialized)
struct AWSCommandTests {
    @Test("registers the worker definition and prints name:revision and ARN; a second run adds a revision", .requires(.moto))
    func register() throws {
        let name = "cli-worker-\(UUID().uuidString.prefix(8))"
        let first = try runAWSCLI(["aws", "register-job-definition", "--image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/bb:v1", "--name", name])
        #expect(first.code == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("\(name):1  arn:aws:batch:us-east-1:"))
        let second = try runAWSCLI(["aws", "register-job-definition", "--image", "bb:v2", "--name", name, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(json["revision"] as? Int == 2)
    }

    @Test("--blender-version and --gpus: the release recorded as the tag blendbatch:blender-version, one GPU per task", .requires(.moto))
    func blenderVersionAndGPUs() async throws {
        let name = "cli-worker-\(UUID().uuidString.prefix(8))-blender-5-0-gpu"
        let result = try runAWSCLI(["aws", "register-job-definition", "--image", "bb:blender-5.0.1", "--name", name,
                                    "--blender-version", "5.0.1", "--gpus", "1"])
        #expect(result.code == 0, "\(result.stderr)")
        let definition = try #require(try await BatchClient(client: motoClient()).jobDefinition(name))
        #expect(definition.tags?["blendbatch:blender-version"] == "5.0.1")
        #expect(definition.containerProperties?.resourceRequirements?.contains(ResourceRequirement(type: "GPU", value: "1")) == true)
    }

    @Test("bad options are refused with exit 64 before calling AWS", arguments: [
        (["--image", "bb:v1", "--blender-version", "latest"], "--blender-version latest: give the image's Blender release"),
        (["--image", "bb:v1", "--attempts", "11"], "--attempts must be from 1 to 10"),
        (["--image", "bb:v1", "--timeout", "10"], "--timeout must be 0"),
        (["--image", "has space"], "--image must be an image URI"),
    ])
    func badOptions(arguments: [String], message: String) throws {
        let result = try runAWSCLI(["aws", "register-job-definition"] + arguments)
        #expect(result.code == 64)
        #expect(result.stderr.contains(message))
    }

    @Test("AWS unreachable: one line naming what failed, no crash")
    func unreachable() throws {
        let result = try runAWSCLI(["aws", "register-job-definition", "--image", "bb:v1"],
                                   environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
        #expect(result.code == 1)
        #expect(result.stderr.hasPrefix("blendbatch: registering job definition blendbatch-worker: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
