import BlendFile
import RenderPlan

extension RenderRequest {
    /// Frames per task on AWS Batch when no chunk size is given: a task pays for its container's
    /// start and for loading the .blend, so a few frames each.
    public static let awsChunk = 10

    /// This request planned for AWS Batch: tasks of ``awsChunk`` frames unless `chunk` is given, no
    /// measured probe (`chunkTime` is for this machine), Blender's own thread count (the container's
    /// cores), and at most 10,000 tasks (chunks grouped beyond that). `info`: the .blend's, when
    /// already read (an s3:// one, read where it is).
    public func planForAWS(info: BlendInfo? = nil) async throws(Problem) -> JobManifest {
        var request = self
        request.workers = 1
        request.chunkTime = nil
        request.chunk = chunk ?? Self.awsChunk
        var manifest = try await request.plan(info: info)
        manifest.overrides.threads = nil
        return manifest.groupedForBatch(maxChunks: AWSBatchExecutor.maxArraySize)
    }
}
