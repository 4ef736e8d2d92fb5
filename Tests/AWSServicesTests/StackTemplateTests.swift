import AWSServices
import Foundation
import Testing

/// scripts/aws/stack.yaml: the deployable CloudFormation stack.
@Suite("CloudFormation stack (scripts/aws/stack.yaml)")
struct StackTemplateTests {
    let template = repositoryRoot.appendingPathComponent("scripts/aws/stack.yaml").path
    var cfnLint: String { toolsVenv.appendingPathComponent("bin/cfn-lint").path }

    /// The template as JSON (CloudFormation's short-form tags become `Ref`/`Fn::…` objects), decoded
    /// once by cfn-lint's own parser.
    func decodedTemplate() throws -> JSONValue { try Self.decoded.get() }

    static let decoded: Result<JSONValue, any Error> = Result {
        let python = toolsVenv.appendingPathComponent("bin/python").path
        let template = repositoryRoot.appendingPathComponent("scripts/aws/stack.yaml").path
        let script = "import json,sys; from cfnlint.decode import decode; t,m=decode(sys.argv[1]); assert not m, m; print(json.dumps(t))"
        let result = try CLIRunner.runTool(python, ["-c", script, template])
        guard result.status == 0 else { throw DecodeFailure(output: result.output) }
        return try JSONDecoder().decode(JSONValue.self, from: result.stdoutData)
    }

    struct DecodeFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "cannot decode the template: \(output)" }
    }

    @Test("cfn-lint passes with no errors or warnings", .requires(.cfnLint))
    func cfnLintPasses() throws {
        let result = try CLIRunner.runTool(cfnLint, [template])
        #expect(result.status == 0, "cfn-lint reported:\n\(result.output)")
        #expect(result.output.isEmpty)
    }

    @Test("cfn-lint really checks: a broken copy of the template fails", .requires(.cfnLint))
    func cfnLintCatchesAnError() throws {
        let broken = try String(contentsOfFile: template, encoding: .utf8)
            .replacingOccurrences(of: "AllocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED", with: "AllocationStrategy: CHEAPEST_PLEASE")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("stack-broken-\(UUID().uuidString).yaml")
        try broken.write(to: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: copy) }
        let result = try CLIRunner.runTool(cfnLint, [copy.path])
        #expect(result.status != 0)
        #expect(result.output.lowercased().contains("cheapest_please"))
    }

    @Test("job definition carries the same Spot-aware retry strategy blendbatch registers", .requires(.cfnLint))
    func retryStrategyMatchesRegisteredOne() throws {
        let resources = try #require(try decodedTemplate()["Resources"])
        let properties = try #require(resources["WorkerJobDefinition"]?["Properties"])
        let entries = try #require(properties["RetryStrategy"]?["EvaluateOnExit"]?.arrayValue)
        let expected = try #require(RetryStrategy.spotAware(attempts: 5, interruptedExitCode: 75).evaluateOnExit)
        #expect(entries.count == expected.count)
        for (entry, want) in zip(entries, expected) {
            #expect(entry["OnStatusReason"]?.stringValue == want.onStatusReason)
            #expect(entry["OnReason"]?.stringValue == want.onReason)
            #expect(entry["OnExitCode"]?.stringValue == want.onExitCode)
            #expect(entry["Action"]?.stringValue == want.action.rawValue)
        }
        #expect(properties["ContainerProperties"]?["Command"] == ["worker"])
    }

    @Test("Spot and On-Demand compute environments behind one queue, Spot first", .requires(.cfnLint))
    func computeEnvironmentsAndQueue() throws {
        let resources = try #require(try decodedTemplate()["Resources"])
        let spot = try #require(resources["SpotComputeEnvironment"]?["Properties"]?["ComputeResources"])
        #expect(spot["Type"] == "SPOT")
        #expect(spot["AllocationStrategy"] == "SPOT_PRICE_CAPACITY_OPTIMIZED")
        #expect(spot["MinvCpus"] == 0)
        let onDemand = try #require(resources["OnDemandComputeEnvironment"]?["Properties"]?["ComputeResources"])
        #expect(onDemand["Type"] == "EC2")
        let order = try #require(resources["JobQueue"]?["Properties"]?["ComputeEnvironmentOrder"]?.arrayValue)
        #expect(order.first?["ComputeEnvironment"] == ["Ref": "SpotComputeEnvironment"])
        #expect(order.last?["ComputeEnvironment"] == ["Ref": "OnDemandComputeEnvironment"])
    }

    @Test("GPU Spot compute environment (g5/g6, NVIDIA AMI) behind <stack>-render-gpu; GPU job definition asks for one GPU", .requires(.cfnLint))
    func gpuFleet() throws {
        let template = try decodedTemplate()
        let resources = try #require(template["Resources"])
        let gpu = try #require(resources["GpuSpotComputeEnvironment"]?["Properties"]?["ComputeResources"])
        #expect(gpu["Type"] == "SPOT")
        #expect(gpu["InstanceTypes"] == ["Ref": "GpuInstanceTypes"])
        #expect(template["Parameters"]?["GpuInstanceTypes"]?["Default"] == "g5,g6")
        #expect(gpu["Ec2Configuration"]?.arrayValue?.first?["ImageType"]?.stringValue?.hasSuffix("_NVIDIA") == true)
        #expect(gpu["Tags"]?["blendbatch:fleet"] == ["Ref": "AWS::StackName"])
        let queue = try #require(resources["GpuJobQueue"]?["Properties"])
        // render --device cuda|optix --queue <stack>-render finds <queue>-gpu (AWSWorkerChoice).
        #expect(queue["JobQueueName"] == ["Fn::Sub": "${AWS::StackName}-render-gpu"])
        #expect(resources["JobQueue"]?["Properties"]?["JobQueueName"] == ["Fn::Sub": "${AWS::StackName}-render"])
        #expect(queue["ComputeEnvironmentOrder"]?.arrayValue?.map { $0["ComputeEnvironment"] } == [["Ref": "GpuSpotComputeEnvironment"]])
        let definition = try #require(resources["GpuWorkerJobDefinition"]?["Properties"])
        #expect(definition["JobDefinitionName"] == ["Fn::Sub": "${AWS::StackName}-worker-gpu"])
        let requirements = try #require(definition["ContainerProperties"]?["ResourceRequirements"]?.arrayValue)
        #expect(requirements.contains { $0["Type"] == "GPU" && $0["Value"] == "1" })
        #expect(definition["RetryStrategy"] == resources["WorkerJobDefinition"]?["Properties"]?["RetryStrategy"])
    }

    @Test("both job definitions run the image blender-<BlenderVersion> and record it in the tag blendbatch reads", .requires(.cfnLint))
    func definitionsRecordTheBlenderVersion() throws {
        let template = try decodedTemplate()
        #expect(template["Parameters"]?["BlenderVersion"]?["Default"] == "4.5.15")
        for name in ["WorkerJobDefinition", "GpuWorkerJobDefinition"] {
            let properties = try #require(template["Resources"]?[name]?["Properties"])
            #expect(properties["Tags"]?[JobDefinition.blenderVersionTag] == ["Ref": "BlenderVersion"], "\(name)")
            #expect(properties["ContainerProperties"]?["Image"] == ["Fn::Sub": "${WorkerRepository.RepositoryUri}:blender-${BlenderVersion}"], "\(name)")
        }
    }

    @Test("FIS template interrupts only the fleet's tagged Spot instances, and its role can do nothing else", .requires(.cfnLint))
    func fisTemplateTargetsTheFleet() throws {
        let resources = try #require(try decodedTemplate()["Resources"])
        let fis = try #require(resources["SpotInterruptionTemplate"]?["Properties"])
        #expect(fis["Actions"]?["InterruptSpot"]?["ActionId"]?.stringValue == spotInterruptionActionId)
        #expect(fis["Actions"]?["InterruptSpot"]?["Parameters"]?["durationBeforeInterruption"] == "PT2M")
        let target = try #require(fis["Targets"]?["RenderSpotInstances"])
        #expect(target["ResourceType"] == "aws:ec2:spot-instance")
        #expect(target["ResourceTags"]?["blendbatch:fleet"] == ["Ref": "AWS::StackName"])
        // The Spot instances carry the tag FIS selects on.
        let spotTags = resources["SpotComputeEnvironment"]?["Properties"]?["ComputeResources"]?["Tags"]
        #expect(spotTags?["blendbatch:fleet"] == ["Ref": "AWS::StackName"])
        // The FIS role may send interruptions only to instances with that tag.
        let statements = try #require(resources["FisRole"]?["Properties"]?["Policies"]?.arrayValue?.first?["PolicyDocument"]?["Statement"]?.arrayValue)
        let actions = statements.compactMap { $0["Action"]?.stringValue }
        #expect(Set(actions) == ["ec2:DescribeInstances", "ec2:SendSpotInstanceInterruptions"])
        let send = try #require(statements.first { $0["Action"] == "ec2:SendSpotInstanceInterruptions" })
        #expect(send["Condition"]?["StringEquals"]?["aws:ResourceTag/blendbatch:fleet"] == ["Ref": "AWS::StackName"])
    }
}
