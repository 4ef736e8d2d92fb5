import Foundation

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
