import AWSCore
import Foundation
import RenderPlan

/// Why an AWS Batch job cannot be submitted or followed; each message names the resource and what to do.
public enum AWSBatchError: Error, CustomStringConvertible {
    case outputNotInS3(String)
    case inputMissing(String)
    case nothingToRender(String)
    case unknownQueue(String)
    case queueUnusable(String, String)
    case unknownJobDefinition(String)
    case accessDenied(action: String, error: AWSError)
    case stillRunning(String, String?)
    case unknownJob(String)
    case bucketInOtherRegion(String, String?, String)
    case noSuchBucket(String, String)
    /// The job definition's Blender is older than the release that saved the file (another major).
    case blenderTooOld(file: String, savedBy: BlenderVersion, definition: String, has: BlenderVersion)
    case noGPUQueue(String, device: String)
    case noGPUDefinition(String, device: String)
    case deviceNotOnAWS(String)

    /// The exit code a command ends with for this error: the thing named is not there (66), the store or
    /// permissions refused (76), a usage mistake (64), a file the image's Blender is too old for (65),
    /// no GPU to render on (69), or the job failed otherwise (1).
    public var exitCode: ExitCode {
        switch self {
        case .unknownQueue, .unknownJobDefinition, .unknownJob, .inputMissing, .noSuchBucket: return .noInput
        case .bucketInOtherRegion, .accessDenied: return .storeError
        case .outputNotInS3, .deviceNotOnAWS: return .usage
        case .blenderTooOld: return .dataError
        case .noGPUQueue, .noGPUDefinition: return .unavailable
        default: return .failure
        }
    }

    public var description: String {
        switch self {
        case .outputNotInS3(let location):
            return "--backend aws needs --out s3://bucket/prefix (got \(location)): Batch tasks cannot see this machine's folders"
        case .inputMissing(let path):
            return "\(path): no such .blend file"
        case .nothingToRender(let id):
            return "job \(id) has no frames to render"
        case .unknownQueue(let queue):
            return "job queue '\(queue)' does not exist in this region: deploy scripts/aws/stack.yaml (its queue is <stack>-render) "
                + "or list queues with `aws batch describe-job-queues`"
        case .queueUnusable(let queue, let why):
            return "job queue '\(queue)' cannot take jobs: \(why); enable it with `aws batch update-job-queue --job-queue \(queue) --state ENABLED`"
        case .unknownJobDefinition(let definition):
            return "job definition '\(definition)' has no ACTIVE revision: register one with "
                + "`blendbatch aws register-job-definition --image <ecr-uri> --name \(definition)`"
        case .accessDenied(let action, let error):
            return "permission denied for \(action): \(error.message.isEmpty ? error.code : error.message); "
                + "attach the stack's OperatorPolicy (output OperatorPolicyArn) to your user or role"
        case .stillRunning(let id, let batchId):
            return "job \(id) is still running on Batch\(batchId.map { " (\($0))" } ?? ""); wait for it or `blendbatch cancel \(id)` first"
        case .bucketInOtherRegion(let bucket, let actual, let ours):
            return "bucket \(bucket) is in \(actual ?? "another region"), not \(ours) where the job queue is: use a bucket in \(ours) "
                + "(the stack's BucketName output) or run with AWS_REGION=\(actual ?? "<the bucket's region>") and a queue there"
        case .noSuchBucket(let bucket, let region):
            return "bucket \(bucket) does not exist (region \(region)): create it (`aws s3 mb s3://\(bucket)`) or use the stack's BucketName output"
        case .blenderTooOld(let file, let savedBy, let definition, let has):
            return "\(file) was saved by Blender \(savedBy); job definition \(definition) has Blender \(has): build an image with "
                + "`scripts/aws/build-image --blender \(savedBy.series).<patch> --push --register` and render again, "
                + "or pass --job-definition with a Blender of \(savedBy.series) or later, or --allow-older-blender"
        case .noGPUQueue(let queue, let device):
            return "--device \(device) renders on GPU instances: queue \(queue) launches none and there is no \(queue)-gpu that does; "
                + "deploy scripts/aws/stack.yaml (its GPU queue is <stack>-render-gpu) or pass --queue with a GPU queue"
        case .noGPUDefinition(let definition, let device):
            return "--device \(device) needs a job definition with a GPU: \(definition) asks for none; deploy scripts/aws/stack.yaml "
                + "(its <stack>-worker-gpu) or register one with `blendbatch aws register-job-definition --gpus 1 …`"
        case .deviceNotOnAWS(let device):
            return "--device \(device): AWS workers render on CPU or NVIDIA GPUs (g5/g6); use --device cpu, cuda or optix"
        case .unknownJob(let id):
            return "no AWS job '\(id)' is known on this machine: give the blendbatch job id `render` printed, "
                + "or the Batch job id of its render job"
        }
    }
}
