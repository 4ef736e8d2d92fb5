import Foundation

/// `<job folder>/cost.json`, written by `blendbatch estimate` and the budget (every field optional):
/// what the report's cost section shows beside the measured task time.
public struct CostRecord: Codable, Sendable, Equatable {
    public struct Range: Codable, Sendable, Equatable {
        public var median: Double?
        public var p10: Double?
        public var p90: Double?
    }
    public struct Here: Codable, Sendable, Equatable {
        public var wall_seconds: Range?
    }
    public struct Instance: Codable, Sendable, Equatable {
        public var instance_type: String?
        public var wall_seconds: Double?
        public var spot_usd: Double?
        public var on_demand_usd: Double?
    }
    public struct Estimate: Codable, Sendable, Equatable {
        public var here: Here?
        public var instances: [Instance]?
    }
    public struct Budget: Codable, Sendable, Equatable {
        public var max_cost_usd: Double?
        public var max_time_seconds: Double?
        public var stopped: Bool?
        public var reason: String?
    }
    public struct Spent: Codable, Sendable, Equatable {
        public var usd: Double?
        public var instance_type: String?
        public var market: String?
        public var task_seconds: Double?
    }

    public var estimate: Estimate?
    public var budget: Budget?
    public var spent: Spent?

    public static let fileName = "cost.json"
}

/// The report's cost section: what was measured, and what `cost.json` recorded (nil: no estimate recorded).
public struct CostSection: Codable, Sendable, Equatable {
    /// Seconds of every task attempt (render and stitch, retries included).
    public var taskSeconds: Double
    /// Sum of the frames' render seconds.
    public var frameSeconds: Double
    /// CPU cores one task had, and `taskSeconds` × that in hours.
    public var coresPerTask: Int
    public var coreHours: Double
    public var recorded: CostRecord?
}
