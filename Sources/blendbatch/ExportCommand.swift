import ArgumentParser
import AWSCore
import AWSServices
import Foundation
import RenderPlan

/// `blendbatch export …`: the pipeline in other tools' formats.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", _superCommandName: "blendbatch",
        abstract: "Export the render pipeline for other orchestrators.",
        subcommands: [StepFunctions.self])

    struct StepFunctions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stepfunctions",
            abstract: "Write the pipeline as an Amazon States Language state machine (detect frames, render array, stitch).",
            discussion: """
            The state machine runs `blendbatch plan` in the worker image to detect frames and write the manifest, \
            reads the chunk count from it, renders with one `batch:submitJob.sync` array job (a plain job for one \
            chunk), then stitches. Start an execution with input
              {"input": "s3://BUCKET/shot.blend", "bucket": "BUCKET", "prefix": "jobs/shot"}
            (optional "frames": "1-250:2", "chunkSize": "10"); the execution name becomes the job id.

              blendbatch export stepfunctions --queue blendbatch-render > pipeline.asl.json
              blendbatch export stepfunctions --queue blendbatch-render --create --role-arn <StepFunctionsRoleArn>
            """)

        @Option(help: "Job queue name or ARN the Batch jobs go to.")
        var queue: String
        @Option(help: "Job definition name, name:revision or ARN.")
        var jobDefinition: String = "blendbatch-worker"
        @Option(name: [.short, .customLong("output")], help: "Write the definition to this file instead of stdout.")
        var output: String?
        @Flag(help: "Create (or update) the state machine in AWS Step Functions.")
        var create = false
        @Option(help: "State machine name (with --create).")
        var name: String = "blendbatch-render"
        @Option(help: "Role Step Functions assumes (the stack's StepFunctionsRoleArn output); needed with --create.")
        var roleArn: String?

        func validate() throws {
            if create && roleArn == nil {
                throw ValidationError("--create needs --role-arn: the role Step Functions assumes (the stack's StepFunctionsRoleArn output)")
            }
        }

        func run() async throws {
            let definition = try RenderPipelineDefinition(jobQueue: queue, jobDefinition: jobDefinition).jsonString()
            if let output {
                do { try Data((definition + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw CommandEnd(.ioError, "\(output): cannot write: \(error.localizedDescription)")
                }
            } else if !create {
                print(definition)
            }
            guard create, let roleArn else { return }
            let sfn = StepFunctionsClient(client: makeAWSClient())
            do {
                let arn: String
                do {
                    arn = try await sfn.createStateMachine(CreateStateMachineRequest(name: name, definition: definition, roleArn: roleArn)).stateMachineArn
                } catch let error as AWSError where error.code == "StateMachineAlreadyExists" {
                    guard let existing = Self.stateMachineArn(in: error.message, name: name, roleArn: roleArn, region: sfn.client.configuration.region) else { throw error }
                    try await sfn.updateStateMachine(UpdateStateMachineRequest(stateMachineArn: existing, definition: definition, roleArn: roleArn))
                    arn = existing
                }
                print(arn)
            } catch {
                throw awsEnd(error, doing: "creating state machine \(name)")
            }
        }

        /// The existing machine's ARN: quoted in the error message, else built from the role's account.
        static func stateMachineArn(in message: String, name: String, roleArn: String, region: String) -> String? {
            if let start = message.range(of: "arn:aws:states:") {
                let arn = message[start.lowerBound...].prefix { $0 != "'" && $0 != "\"" && $0 != " " }
                return String(arn)
            }
            let parts = roleArn.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 5 else { return nil }
            return "arn:\(parts[1]):states:\(region):\(parts[4]):stateMachine:\(name)"
        }
    }
}
