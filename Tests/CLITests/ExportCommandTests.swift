import Foundation
import Testing

@Suite("blendbatch export stepfunctions", .serialized)
struct ExportCommandTests {
    @Test("writes the state machine as JSON with the queue and job definition given")
    func toStdout() throws {
        let result = try runAWSCLI(["export", "stepfunctions", "--queue", "render-q", "--job-definition", "worker:3"])
        #expect(result.code == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let states = try #require(root["States"] as? [String: [String: Any]])
        let render = try #require(states["Render frames"]?["Parameters"] as? [String: Any])
        #expect(render["JobQueue"] as? String == "render-q")
        #expect(render["JobDefinition"] as? String == "worker:3")
    }

    @Test("--output writes a file; --create without --role-arn is refused")
    func fileAndCreate() throws {
        let path = Binary.folder("export") + "/pipeline.asl.json"
        let result = try runAWSCLI(["export", "stepfunctions", "--queue", "q", "-o", path])
        #expect(result.code == 0 && result.stdout.isEmpty)
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) is [String: Any])
        let refused = try runAWSCLI(["export", "stepfunctions", "--queue", "q", "--create"])
        #expect(refused.code == 64)
        #expect(refused.stderr.contains("--create needs --role-arn"))
    }

    @Test("--create makes the state machine in Step Functions, and again updates it", .requires(.moto))
    func create() throws {
        let name = "bb-pipeline-\(UUID().uuidString.prefix(8))"
        let arguments = ["export", "stepfunctions", "--queue", "q", "--create", "--name", name,
                         "--role-arn", "arn:aws:iam::123456789012:role/sfn"]
        let first = try runAWSCLI(arguments)
        #expect(first.code == 0, "\(first.stderr)")
        #expect(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "arn:aws:states:us-east-1:123456789012:stateMachine:\(name)")
        let again = try runAWSCLI(arguments)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout)
    }
}
