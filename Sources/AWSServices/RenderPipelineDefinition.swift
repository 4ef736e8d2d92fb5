import Foundation

/// The render pipeline as an Amazon States Language state machine, for teams that want Step Functions
/// to own the run (`blendbatch export stepfunctions`). Like the AWS workshop's, but without a Lambda:
///
/// 1. **Detect frames** — a Batch job runs `blendbatch plan` in the worker image: it reads the .blend,
///    plans the chunks and writes the job manifest to `<output>/.blendbatch/jobs/<execution>/manifest.json`.
/// 2. **Read plan** — S3 GetObject of the manifest; the array size is the number of chunks.
/// 3. **Render frames** — one array job (`batch:submitJob.sync`, a plain job for a single chunk) with
///    `BLENDBATCH_MANIFEST` set; retries come from the job definition's retry strategy.
/// 4. **Stitch video** — `blendbatch worker --stage stitch`, when the manifest asks for it.
///
/// Execution input: `{"input": "s3://bkt/shot.blend", "bucket": "bkt", "prefix": "jobs/shot"}`, plus
/// optional `"frames": "1-250:2"` and `"chunkSize": "10"` (default: the scene's range, automatic chunks).
/// The execution name becomes the job id.
public struct RenderPipelineDefinition: Sendable, Equatable {
    public var jobQueue: String
    public var jobDefinition: String
    /// What the frame-detection job runs (the container's entry point is `blendbatch`).
    public var planCommand: [String]
    /// What the stitch job runs.
    public var stitchCommand: [String]

    public init(jobQueue: String, jobDefinition: String, planCommand: [String] = ["plan"],
                stitchCommand: [String] = ["worker", "--stage", "stitch"]) {
        self.jobQueue = jobQueue
        self.jobDefinition = jobDefinition
        self.planCommand = planCommand
        self.stitchCommand = stitchCommand
    }

    /// Names of the states, in order (the tests and docs refer to them).
    public enum State {
        public static let defaults = "Defaults"
        public static let prepare = "Prepare"
        public static let detectFrames = "Detect frames"
        public static let readPlan = "Read plan"
        public static let countChunks = "Count chunks"
        public static let oneChunk = "One chunk?"
        public static let renderArray = "Render frames"
        public static let renderSingle = "Render frames (one task)"
        public static let stitchWanted = "Stitch wanted?"
        public static let stitch = "Stitch video"
        public static let done = "Done"
    }

    /// The state machine as a JSON value.
    public var definition: JSONValue {
        let managerEnvironment: JSONValue = [["Name": "BLENDBATCH_MANIFEST", "Value.$": "$.manifest"]]
        let planArguments = (planCommand.map(quoted) + [
            "$.args.input", "'--out'", "$.output", "'--job-id'", "$.jobId",
            "'--frames'", "$.args.frames", "'--chunk-size'", "$.args.chunkSize",
        ]).joined(separator: ", ")

        return [
            "Comment": "blendbatch render pipeline: detect frames, render an array job on AWS Batch, stitch the video",
            "StartAt": .string(State.defaults),
            "States": [
                State.defaults: [
                    "Type": "Pass",
                    "Result": ["frames": "", "chunkSize": "auto"],
                    "ResultPath": "$.defaults",
                    "Next": .string(State.prepare),
                ],
                State.prepare: [
                    "Type": "Pass",
                    "Comment": "Fill in optional inputs; the execution name is the job id",
                    "Parameters": [
                        "args.$": "States.JsonMerge($.defaults, $, false)",
                        "jobId.$": "$$.Execution.Name",
                        "output.$": "States.Format('s3://{}/{}', $.bucket, $.prefix)",
                        "manifestKey.$": "States.Format('{}/.blendbatch/jobs/{}/manifest.json', $.prefix, $$.Execution.Name)",
                        "manifest.$": "States.Format('s3://{}/{}/.blendbatch/jobs/{}/manifest.json', $.bucket, $.prefix, $$.Execution.Name)",
                    ],
                    "Next": .string(State.detectFrames),
                ],
                State.detectFrames: batchTask(
                    name: "States.Format('{}-plan', $.jobId)",
                    overrides: ["Command.$": .string("States.Array(\(planArguments))")],
                    next: State.readPlan),
                State.readPlan: [
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                    "Parameters": ["Bucket.$": "$.args.bucket", "Key.$": "$.manifestKey"],
                    "ResultSelector": ["manifest.$": "States.StringToJson($.Body)"],
                    "ResultPath": "$.plan",
                    "Next": .string(State.countChunks),
                ],
                State.countChunks: [
                    "Type": "Pass",
                    "Parameters": ["size.$": "States.ArrayLength($.plan.manifest.chunks)"],
                    "ResultPath": "$.array",
                    "Next": .string(State.oneChunk),
                ],
                State.oneChunk: [
                    "Type": "Choice",
                    "Comment": "Batch arrays need 2 to 10,000 children; one chunk runs as a plain job",
                    "Choices": [["Variable": "$.array.size", "NumericEquals": 1, "Next": .string(State.renderSingle)]],
                    "Default": .string(State.renderArray),
                ],
                State.renderArray: batchTask(
                    name: "States.Format('{}-render', $.jobId)",
                    overrides: ["Environment": managerEnvironment],
                    array: true, next: State.stitchWanted),
                State.renderSingle: batchTask(
                    name: "States.Format('{}-render', $.jobId)",
                    overrides: ["Environment": managerEnvironment],
                    next: State.stitchWanted),
                State.stitchWanted: [
                    "Type": "Choice",
                    "Choices": [["Variable": "$.plan.manifest.stitch", "IsPresent": true, "Next": .string(State.stitch)]],
                    "Default": .string(State.done),
                ],
                State.stitch: batchTask(
                    name: "States.Format('{}-stitch', $.jobId)",
                    overrides: ["Command": .array(stitchCommand.map(JSONValue.string)), "Environment": managerEnvironment],
                    next: State.done),
                State.done: [
                    "Type": "Pass",
                    "Parameters": ["jobId.$": "$.jobId", "output.$": "$.output", "manifest.$": "$.manifest"],
                    "End": true,
                ],
            ],
        ]
    }

    /// The definition as JSON text, ready for CreateStateMachine or a file.
    public func jsonString() throws -> String { try definition.jsonString() }

    /// A `batch:submitJob.sync` task: waits for the job (and all array children) to finish and fails
    /// the execution when the job fails. Throttling is retried with backoff.
    private func batchTask(name: String, overrides: [String: JSONValue], array: Bool = false, next: String) -> JSONValue {
        var parameters: [String: JSONValue] = [
            "JobName.$": .string(name),
            "JobQueue": .string(jobQueue),
            "JobDefinition": .string(jobDefinition),
            "ContainerOverrides": .object(overrides),
        ]
        if array { parameters["ArrayProperties"] = ["Size.$": "$.array.size"] }
        return [
            "Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Parameters": .object(parameters),
            "ResultPath": .null,
            "Retry": [["ErrorEquals": ["Batch.AWSBatchException"], "IntervalSeconds": 5, "MaxAttempts": 4, "BackoffRate": 2]],
            "Next": .string(next),
        ]
    }

    /// A literal string argument of an intrinsic function: `'text'` with `'`, `{`, `}` and `\` escaped.
    private func quoted(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "'{}\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return "'\(escaped)'"
    }
}
