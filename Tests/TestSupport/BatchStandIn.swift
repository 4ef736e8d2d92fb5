import AWSCore
import Foundation

/// A loopback stand-in of the AWS Batch API, for what moto cannot show: a job RUNNING for a while,
/// a failed stitch, a job Batch no longer knows, polls that fail. DescribeJobs calls take the
/// scripted answers in turn (the last one repeats); jobs are JSON in the shape AWS sends, and only
/// those asked for come back, as Batch does. Every other call is answered `{}`.
public final class BatchStandIn: @unchecked Sendable {  // `answers` and `calls` are guarded by `lock`
    /// One answer to DescribeJobs: these jobs, or an HTTP error status.
    public enum Answer: Sendable {
        case jobs([String])
        case status(Int)
    }

    private let lock = NSLock()
    private var answers: [Answer]
    private var calls = 0
    private var server: LoopbackServer!

    public init(describe answers: [Answer]) throws {
        self.answers = answers
        server = try LoopbackServer { [unowned self] request in
            guard request.path == "/v1/describejobs" else { return .init(status: 200, body: "{}") }
            return self.describe(request.body)
        }
    }

    public var url: String { server.url }
    /// Requests received so far, in order.
    public var requests: [LoopbackServer.Request] { server.requests }
    /// DescribeJobs calls answered so far.
    public var describeCalls: Int { lock.withLock { calls } }

    public func stop() { server.stop() }

    /// A client for the stand-in: fixed credentials, one attempt per call (a failed answer is a failed poll).
    public func client() -> AWSClient { testClient(url, attempts: 1) }

    /// A DescribeJobs job in AWS's shape; `summary` makes it an array parent of `size` children.
    public static func job(_ id: String, name: String = "shot-render", status: String, summary: [String: Int]? = nil,
                           size: Int? = nil, reason: String? = nil, exitCode: Int? = nil) -> String {
        var job: [String: Any] = [
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/\(id)", "jobName": name, "jobId": id,
            "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/render",
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/blendbatch-worker:1",
            "status": status, "createdAt": 1_764_950_400_000, "dependsOn": [], "tags": [:],
        ]
        if let summary { job["arrayProperties"] = ["statusSummary": summary, "size": size ?? summary.values.reduce(0, +)] }
        if let reason { job["statusReason"] = reason }
        if let exitCode { job["container"] = ["exitCode": exitCode, "logStreamName": "blendbatch/default/\(id)"] }
        let data = try! JSONSerialization.data(withJSONObject: job, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private func describe(_ body: Data) -> LoopbackServer.Response {
        let answer: Answer = lock.withLock {
            defer { calls += 1 }
            return answers[min(calls, answers.count - 1)]
        }
        switch answer {
        case .status(let status):
            return .init(status: status, headers: ["x-amzn-ErrorType": "ServerException"],
                         body: #"{"__type":"ServerException","message":"stand-in failure"}"#)
        case .jobs(let jobs):
            let asked = Set(((try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["jobs"] as? [String]) ?? [])
            let known = jobs.filter { json in
                let id = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["jobId"] as? String
                return id.map(asked.contains) ?? false
            }
            return .init(status: 200, headers: ["Content-Type": "application/json"], body: #"{"jobs":["# + known.joined(separator: ",") + "]}")
        }
    }
}
