import Foundation
import RenderPlan

/// One submission of a job to Batch: the first one, or a `resume`.
public struct AWSJobSubmission: Codable, Sendable, Equatable {
    /// The render job (array parent, or a plain job for one chunk); nil when nothing was left to render.
    public var renderJobId: String?
    public var stitchJobId: String?
    /// The manifest this submission's tasks read.
    public var manifest: String
    /// Array size (1 = a plain job).
    public var chunks: Int
    public var submittedAt: Date
}

/// What blendbatch remembers about a job it submitted to Batch, kept beside the manifest
/// (`<out>/.blendbatch/jobs/<id>/aws.json`) and indexed on this machine by job id.
public struct AWSJobRecord: Codable, Sendable, Equatable {
    public var id: String
    /// The output location (`s3://bucket/prefix`).
    public var output: String
    /// The job's manifest URL.
    public var manifest: String
    public var queue: String
    public var jobDefinition: String
    public var region: String
    public var submittedAt: Date
    /// The first submission, then one per resume.
    public var submissions: [AWSJobSubmission]

    public var latest: AWSJobSubmission { submissions[submissions.count - 1] }
}

/// Keys of a job's files below the output location (`blendbatch plan` and the Step Functions export
/// use the same layout: `<output>/.blendbatch/jobs/<id>/manifest.json`).
public struct AWSJobFolder: Sendable {
    public var id: String

    public init(id: String) { self.id = id }

    public func key(_ name: String) -> String { ".blendbatch/jobs/\(id)/\(name)" }
    public var manifestKey: String { key("manifest.json") }
    public var recordKey: String { key("aws.json") }

    /// A Batch job name from a job id: letters, digits, `-` and `_`, at most 100 characters (room for suffixes).
    static func jobName(_ id: String) -> String {
        var name = String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(100))
        if name.first.map({ !($0.isLetter || $0.isNumber) }) ?? true { name = "bb" + name }
        return name
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try StableJSON.encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }
}

/// This machine's index of AWS jobs by id (`$XDG_STATE_HOME/blendbatch/aws-jobs/<id>.json`, beside
/// the local jobs' `jobs.tsv`), so
/// `blendbatch status|cancel|resume JOB` find a job's output location from its id alone.
public struct AWSJobIndex: Sendable {
    public var folder: String

    public init(folder: String) { self.folder = folder }

    /// `$XDG_STATE_HOME/blendbatch/aws-jobs` (default `~/.local/state/blendbatch/aws-jobs`).
    public static var `default`: AWSJobIndex {
        AWSJobIndex(folder: ((JobRegistry.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("aws-jobs"))
    }

    public func save(_ record: AWSJobRecord) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AWSJobFolder.encode(record).write(to: URL(fileURLWithPath: path(record.id)), options: .atomic)
    }

    /// The record of job `id`, or of the job whose render or stitch Batch job has id `id`.
    public func record(_ id: String) -> AWSJobRecord? {
        if let data = FileManager.default.contents(atPath: path(id)),
           let record = try? AWSJobFolder.decode(AWSJobRecord.self, from: data) { return record }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in files where file.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file),
                  let record = try? AWSJobFolder.decode(AWSJobRecord.self, from: data) else { continue }
            if record.submissions.contains(where: { $0.renderJobId == id || $0.stitchJobId == id }) { return record }
        }
        return nil
    }

    private func path(_ id: String) -> String {
        (folder as NSString).appendingPathComponent(AWSJobFolder.jobName(id) + ".json")
    }
}
