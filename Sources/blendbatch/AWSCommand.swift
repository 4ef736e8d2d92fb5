import ArgumentParser
import AWSCore
import AWSServices
import Foundation
import RenderPlan

/// `blendbatch aws …`: set-up chores on AWS.
struct AWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws", _superCommandName: "blendbatch",
        abstract: "Set up blendbatch on AWS Batch (see scripts/aws/README.md).",
        subcommands: [RegisterJobDefinition.self])

    struct RegisterJobDefinition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-job-definition",
            abstract: "Register the worker job definition: the image, `blendbatch worker`, and the Spot-aware retry strategy.",
            discussion: """
            The retry strategy retries a task when Batch reports its Spot host was reclaimed (status reason \
            "Host EC2*") or when the worker exits 75 (interrupted); every other failure is final. Registering \
            an existing name adds a revision; jobs use the newest ACTIVE one.

            --blender-version records the image's Blender release as the tag blendbatch:blender-version: \
            `render --backend aws` picks, among the definitions named NAME and NAME-…, one whose Blender \
            can open the file (scripts/aws/build-image --register registers NAME-blender-X-Y and \
            NAME-blender-X-Y-gpu for each release).

              blendbatch aws register-job-definition --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/blendbatch-worker:blender-4.5.15 \
                  --name blendbatch-worker-blender-4-5 --blender-version 4.5.15
            """)

        @Option(help: "Worker image URI (scripts/aws/build-image prints it).")
        var image: String
        @Option(help: "Job definition name.")
        var name: String = "blendbatch-worker"
        @Option(help: "vCPUs per task.")
        var vcpus: Int = 4
        @Option(help: "Memory per task in MiB.")
        var memory: Int = 8192
        @Option(help: "GPUs per task (1 for --device cuda|optix renders; needs a GPU queue).")
        var gpus: Int = 0
        @Option(help: ArgumentHelp("Blender release in the image (X.Y.Z), recorded as the tag blendbatch:blender-version.", valueName: "version"))
        var blenderVersion: String?
        @Option(help: "Role the worker containers assume (the stack's JobRoleArn output): S3 access to the render bucket.")
        var jobRoleArn: String?
        @Option(help: "Attempts per task (1-10); only interruptions are retried.")
        var attempts: Int = 5
        @Option(help: "Seconds an attempt may run before Batch stops it (0 = no limit).")
        var timeout: Int = 14_400
        @Flag(help: "Print the registered definition as JSON.")
        var json = false

        func validate() throws {
            guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be from 1 to 10 (Batch's limit)") }
            guard vcpus >= 1 else { throw ValidationError("--vcpus must be at least 1") }
            guard memory >= 4 else { throw ValidationError("--memory is in MiB and must be at least 4") }
            guard gpus >= 0 else { throw ValidationError("--gpus must be 0 (CPU) or more") }
            if let blenderVersion, BlenderVersion(parsing: blenderVersion)?.description != blenderVersion {
                throw ValidationError("--blender-version \(blenderVersion): give the image's Blender release as X.Y or X.Y.Z, e.g. 4.5.15")
            }
            guard timeout == 0 || timeout >= 60 else { throw ValidationError("--timeout must be 0 (none) or at least 60 seconds") }
            guard !image.isEmpty, !image.contains(" ") else { throw ValidationError("--image must be an image URI such as <account>.dkr.ecr.<region>.amazonaws.com/blendbatch-worker:v1") }
        }

        func run() async throws {
            let batch = BatchClient(client: makeAWSClient())
            let request = RegisterJobDefinitionRequest.blendbatchWorker(
                name: name, image: image, vcpus: vcpus, memoryMiB: memory, gpus: gpus, blenderVersion: blenderVersion,
                jobRoleArn: jobRoleArn, attempts: attempts,
                attemptTimeoutSeconds: timeout == 0 ? nil : timeout, interruptedExitCode: ExitCode.interrupted.rawValue)
            let registered: RegisterJobDefinitionResponse
            do { registered = try await batch.registerJobDefinition(request) } catch {
                throw awsEnd(error, doing: "registering job definition \(name)")
            }
            if json {
                try printJSON(registered)
            } else {
                print("\(registered.jobDefinitionName):\(registered.revision)  \(registered.jobDefinitionArn)")
            }
        }
    }
}
