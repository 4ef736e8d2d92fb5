import Foundation

/// A job's limits: `render --max-cost USD` (AWS) and `--max-time DURATION` (this machine). Before
/// submitting, an estimate whose p90 is over a limit is refused; while the job runs, reaching a limit
/// stops new tasks from starting (what is rendered stays; `resume` finishes the job).
public struct Budget: Sendable, Equatable {
    public var maxCostUSD: Double?
    public var maxTimeSeconds: Double?

    public init(maxCostUSD: Double? = nil, maxTimeSeconds: Double? = nil) {
        self.maxCostUSD = maxCostUSD
        self.maxTimeSeconds = maxTimeSeconds
    }

    public var isEmpty: Bool { maxCostUSD == nil && maxTimeSeconds == nil }

    /// Why the job must not be submitted, with the figures; nil when the estimate's p90 fits.
    /// `instance` prices the cost (`spot` chooses the market); the time is this machine's.
    public func refusal(_ estimate: CostEstimate, instance: String? = nil, spot: Bool = true) -> String? {
        if let maxTimeSeconds, estimate.here.wallSeconds.p90 > maxTimeSeconds {
            let wall = estimate.here.wallSeconds
            return "estimated render time here \(Self.duration(wall.median)) (p10–p90 \(Self.duration(wall.p10))–"
                + "\(Self.duration(wall.p90))) is over --max-time \(Self.duration(maxTimeSeconds)); not submitted "
                + "(raise --max-time, or render fewer frames or at lower settings)"
        }
        if let maxCostUSD {
            let chosen = estimate.instances.first { $0.instanceType == instance } ?? estimate.instances.first
            guard let chosen else { return nil }
            let median = spot ? chosen.spotUSD : chosen.onDemandUSD
            let p90 = spot ? chosen.p90.spotUSD : chosen.p90.onDemandUSD
            if p90 > maxCostUSD {
                return "estimated cost on \(chosen.instanceType) (\(spot ? "Spot" : "On-Demand")) \(Self.usd(median)) "
                    + "(p90 \(Self.usd(p90))) is over --max-cost \(Self.usd(maxCostUSD)); not submitted "
                    + "(raise --max-cost, or render fewer frames or at lower settings)"
            }
        }
        return nil
    }

    /// Whether `elapsed` seconds of wall time used up `maxTimeSeconds`.
    public func timeIsUp(elapsed: Double) -> Bool { maxTimeSeconds.map { elapsed >= $0 } ?? false }

    /// `US$1.25`.
    public static func usd(_ value: Double) -> String { String(format: "US$%.2f", value) }

    /// `45 s`, `12.5 min`, `3.2 h`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 120 { return String(format: "%.0f s", seconds) }
        if seconds < 7200 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}

/// The AWS spend check, a pure function of what Batch says of the array's children: spend is each
/// started child's running time (to `now` while it runs) at the instance's hourly price; once it
/// reaches the limit, the children that have not started are cancelled and the rest run out.
public enum SpendCheck {
    public struct Child: Sendable, Equatable {
        public var jobId: String
        /// Batch status: SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED.
        public var status: String
        public var startedAt: Date?
        public var stoppedAt: Date?

        public init(jobId: String, status: String, startedAt: Date? = nil, stoppedAt: Date? = nil) {
            self.jobId = jobId
            self.status = status
            self.startedAt = startedAt
            self.stoppedAt = stoppedAt
        }

        /// Not yet on an instance: cancelling it costs nothing and loses nothing.
        public var notStarted: Bool { ["SUBMITTED", "PENDING", "RUNNABLE"].contains(status) }
    }

    public struct Decision: Sendable, Equatable {
        public var spentUSD: Double
        public var taskSeconds: Double
        /// The limit is reached: cancel `cancel` and start nothing more.
        public var stop: Bool
        public var cancel: [String]
    }

    public static func decide(_ children: [Child], now: Date, usdPerHour: Double, maxUSD: Double) -> Decision {
        let seconds = children.reduce(0.0) { sum, child in
            guard let started = child.startedAt else { return sum }
            return sum + max(0, (child.stoppedAt ?? now).timeIntervalSince(started))
        }
        let spent = seconds / 3600 * usdPerHour
        let stop = spent >= maxUSD
        return Decision(spentUSD: spent, taskSeconds: seconds, stop: stop,
                        cancel: stop ? children.filter(\.notStarted).map(\.jobId) : [])
    }
}
