import Foundation
import RenderPlan

/// What a job knows of its cost, `<job folder>/cost.json`: the estimate it was submitted with (the
/// object `estimate --json` prints), its budget and whether the budget stopped it, and what it spent.
/// Every field is optional; writers merge into what is there.
public struct CostRecord: Codable, Sendable, Equatable {
    public struct Budget: Codable, Sendable, Equatable {
        public var maxCostUSD: Double?
        public var maxTimeSeconds: Double?
        public var stopped: Bool?
        public var reason: String?

        public init(maxCostUSD: Double? = nil, maxTimeSeconds: Double? = nil, stopped: Bool? = nil, reason: String? = nil) {
            self.maxCostUSD = maxCostUSD
            self.maxTimeSeconds = maxTimeSeconds
            self.stopped = stopped
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case maxCostUSD = "max_cost_usd", maxTimeSeconds = "max_time_seconds", stopped, reason
        }
    }

    public struct Spent: Codable, Sendable, Equatable {
        public var usd: Double?
        public var instanceType: String?
        /// `spot` or `on_demand`.
        public var market: String?
        /// Seconds the job's tasks ran, summed.
        public var taskSeconds: Double?

        public init(usd: Double? = nil, instanceType: String? = nil, market: String? = nil, taskSeconds: Double? = nil) {
            self.usd = usd
            self.instanceType = instanceType
            self.market = market
            self.taskSeconds = taskSeconds
        }

        enum CodingKeys: String, CodingKey {
            case usd, instanceType = "instance_type", market, taskSeconds = "task_seconds"
        }
    }

    public var estimate: CostEstimate?
    public var budget: Budget?
    public var spent: Spent?

    public init(estimate: CostEstimate? = nil, budget: Budget? = nil, spent: Spent? = nil) {
        self.estimate = estimate
        self.budget = budget
        self.spent = spent
    }

    public static let fileName = "cost.json"
    public static func path(in folder: String) -> String { folder + "/" + fileName }

    /// The record in a job folder (empty when there is none or it cannot be read).
    public static func read(folder: String) -> CostRecord { recorded(folder: folder) ?? CostRecord() }

    /// The record in a job folder, or nil when there is none (or it cannot be read).
    public static func recorded(folder: String) -> CostRecord? {
        FileManager.default.contents(atPath: path(in: folder)).flatMap { try? JSONDecoder().decode(CostRecord.self, from: $0) }
    }

    /// The record as JSON (keys sorted, so it diffs well).
    public func encoded() throws -> Data { try StableJSON.encoder.encode(self) }

    /// Merge `change` into the folder's record and write it atomically (best effort: a cost note must
    /// never fail a render).
    public static func update(folder: String, _ change: (inout CostRecord) -> Void) {
        var record = read(folder: folder)
        change(&record)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? record.encoded().write(to: URL(fileURLWithPath: path(in: folder)), options: .atomic)
    }
}
