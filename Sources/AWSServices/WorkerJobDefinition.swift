import Foundation

extension RetryStrategy {
    /// Retry what was interrupted, never what is broken:
    /// RETRY when Batch reports the host was reclaimed (`Host EC2 (instance i-…) terminated.`) or when the
    /// worker exits with its "interrupted" code; EXIT on everything else. The final `onReason: "*"`
    /// entry is required because Batch retries a failure no entry matches.
    public static func spotAware(attempts: Int, interruptedExitCode: Int32) -> RetryStrategy {
        RetryStrategy(attempts: attempts, evaluateOnExit: [
            EvaluateOnExit(onStatusReason: "Host EC2*", action: .retry),
            EvaluateOnExit(onExitCode: String(interruptedExitCode), action: .retry),
            EvaluateOnExit(onReason: "*", action: .exit),
        ])
    }
}

extension RegisterJobDefinitionRequest {
    /// The job definition every blendbatch array task and stitch task runs under: the worker image,
    /// `blendbatch worker` as the command, the Spot-aware retry strategy, `gpus` GPUs per task (0 = CPU),
    /// and the Blender release of the image recorded as the ``JobDefinition/blenderVersionTag`` tag.
    /// scripts/aws/stack.yaml declares the same definitions (a test keeps them equal).
    public static func blendbatchWorker(name: String, image: String, vcpus: Int = 4, memoryMiB: Int = 8192,
                                        gpus: Int = 0, blenderVersion: String? = nil,
                                        jobRoleArn: String? = nil, attempts: Int = 5,
                                        attemptTimeoutSeconds: Int? = 14_400,
                                        interruptedExitCode: Int32) -> RegisterJobDefinitionRequest {
        var tags = ["blendbatch:role": "worker"]
        tags[JobDefinition.blenderVersionTag] = blenderVersion
        var requirements: [ResourceRequirement] = [.vcpus(vcpus), .memory(mebibytes: memoryMiB)]
        if gpus > 0 { requirements.append(.gpus(gpus)) }
        return RegisterJobDefinitionRequest(
            jobDefinitionName: name,
            containerProperties: ContainerProperties(
                image: image, command: ["worker"], jobRoleArn: jobRoleArn,
                environment: [KeyValuePair(name: "BLENDBATCH_LOG", value: "info")],
                resourceRequirements: requirements),
            retryStrategy: .spotAware(attempts: attempts, interruptedExitCode: interruptedExitCode),
            timeout: attemptTimeoutSeconds.map { JobTimeout(attemptDurationSeconds: $0) },
            platformCapabilities: ["EC2"], propagateTags: true,
            tags: tags)
    }
}

extension JobDefinition {
    /// The tag that records the Blender release of a worker job definition's image (`4.5.15`):
    /// `render --backend aws` reads it to pick a definition whose Blender can open the file.
    public static let blenderVersionTag = "blendbatch:blender-version"

    /// The Blender release the definition records, nil when it records none.
    public var blenderVersion: String? { tags?[Self.blenderVersionTag] }

    /// GPUs each task asks for (`resourceRequirements` of type GPU); 0 for a CPU definition.
    public var gpus: Int {
        let gpu = containerProperties?.resourceRequirements?.first { $0.type == "GPU" }
        return gpu.flatMap { Int($0.value) } ?? 0
    }

    /// `name:revision`, as `--job-definition` takes it.
    public var reference: String { "\(jobDefinitionName):\(revision)" }
}
