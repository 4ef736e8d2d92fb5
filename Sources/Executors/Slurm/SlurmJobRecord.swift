import Foundation
import RenderPlan

/// What blendbatch remembers of a job it submitted to Slurm, `<job folder>/slurm.json`: the arrays
/// (one per `MaxArraySize` indices), the stitch, and the retry budget the tasks apply to themselves.
public struct SlurmJobRecord: Codable, Sendable, Equatable {
    /// One `sbatch --array`: Slurm's job id, and the job's task index of its array index 0.
    public struct Array: Codable, Sendable, Equatable {
        public var jobID: String
        public var offset: Int
        public var count: Int
    }

    public var id: String
    public var arrays: [Array]
    public var stitchJobID: String?
    /// Attempts per task for failures (exit 70, 76, a crash); interruptions (exit 75, preemption) are free.
    public var maxAttempts: Int
    public var maxInterruptions: Int
    public var submittedAt: Date
    /// How it was placed and the tasks' extra environment, for `resume`.
    public var placement: SlurmExecutor.Placement?
    public var environment: [String: String]?
    /// The blendbatch jobs this one comes after (`afterok` on theirs).
    public var after: [String]?

    /// Slurm's job ids of this job, the arrays first.
    public var slurmJobIDs: [String] { arrays.map(\.jobID) + (stitchJobID.map { [$0] } ?? []) }

    static let fileName = "slurm.json"

    public static func read(folder: JobFolder) -> SlurmJobRecord? {
        guard let data = FileManager.default.contents(atPath: folder.path + "/" + fileName) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(SlurmJobRecord.self, from: data)
    }

    func write(folder: JobFolder) throws {
        try StableJSON.encoder.encode(self).write(to: URL(fileURLWithPath: folder.path + "/" + Self.fileName), options: .atomic)
    }
}
