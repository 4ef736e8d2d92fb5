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
    /// `blendbatch worker` as the command, and the Spot-aware retry strategy.
    /// scripts/aws/stack.yaml declares the same definition (a test keeps them equal).
    public static func blendbatchWorker(name: String, image: String, vcpus: Int = 4, memoryMiB: Int = 8192,
                                        jobRoleArn: String? = nil, attempts: Int = 5,
                                        attemptTimeoutSeconds: Int? = 14_400,
                                        interruptedExitCode: Int32) -> RegisterJobDefinitionRequest {
        RegisterJobDefinitionRequest(
            jobDefinitionName: name,
            containerProperties: ContainerProperties(
                image: image, command: ["worker"], jobRoleArn: jobRoleArn,
                environment: [KeyValuePair(name: "BLENDBATCH_LOG", value: "info")],
                resourceRequirements: [.vcpus(vcpus), .memory(mebibytes: memoryMiB)]),
            retryStrategy: .spotAware(attempts: attempts, interruptedExitCode: interruptedExitCode),
            timeout: attemptTimeoutSeconds.map { JobTimeout(attemptDurationSeconds: $0) },
            platformCapabilities: ["EC2"], propagateTags: true,
            tags: ["blendbatch:role": "worker"])
    }
}
