import Foundation

/// A local Spot-interruption experiment, parsed from `interrupt=30%[,notice=2s][,seed=N][,max=3]`.
public struct ChaosSpec: Sendable, Equatable, CustomStringConvertible {
    /// Share of task attempts (0…1) that get an interruption notice while they run.
    public var share: Double
    /// Seconds between the notice (SIGTERM) and the reclaim (SIGKILL); EC2 gives two minutes.
    public var notice: Double
    /// Seed of the random choices, so a run can be repeated.
    public var seed: UInt64
    /// Interruptions per task at most, so every task finishes even at `interrupt=100%`.
    public var maxPerTask: Int

    public init(share: Double, notice: Double = 2, seed: UInt64 = UInt64.random(in: 1...UInt64(UInt32.max)), maxPerTask: Int = 3) {
        self.share = share
        self.notice = notice
        self.seed = seed
        self.maxPerTask = maxPerTask
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case bad(String, reason: String)
        public var description: String {
            switch self {
            case .bad(let text, let reason): return "--chaos '\(text)': \(reason) (example: interrupt=30%,notice=2s,seed=7)"
            }
        }
    }

    /// Parse `interrupt=30%,notice=2s,seed=7,max=3` (`interrupt` may also be a fraction such as 0.3).
    public init(parsing text: String) throws {
        var share: Double?
        var spec = ChaosSpec(share: 0)
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ParseError.bad(text, reason: "'\(item)' is not name=value") }
            switch parts[0] {
            case "interrupt":
                guard let value = Self.share(parts[1]) else { throw ParseError.bad(text, reason: "interrupt must be a share like 30% or 0.3, got '\(parts[1])'") }
                share = value
            case "notice":
                guard let value = Self.seconds(parts[1]), value >= 0 else { throw ParseError.bad(text, reason: "notice must be a duration like 2s or 500ms, got '\(parts[1])'") }
                spec.notice = value
            case "seed":
                guard let value = UInt64(parts[1]) else { throw ParseError.bad(text, reason: "seed must be a whole number, got '\(parts[1])'") }
                spec.seed = value
            case "max":
                guard let value = Int(parts[1]), value >= 0 else { throw ParseError.bad(text, reason: "max must be a whole number, got '\(parts[1])'") }
                spec.maxPerTask = value
            default:
                throw ParseError.bad(text, reason: "unknown setting '\(parts[0])' (interrupt, notice, seed, max)")
            }
        }
        guard let share else { throw ParseError.bad(text, reason: "interrupt=<share> is required") }
        spec.share = share
        self = spec
    }

    /// `30%` → 0.3, `0.3` → 0.3; nil outside 0…1.
    public static func share(_ text: String) -> Double? {
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, (0...1).contains(value) else { return nil }
        return value
    }

    /// `2s`, `500ms`, `1m`, `2` (seconds).
    public static func seconds(_ text: String) -> Double? {
        if text.hasSuffix("ms") { return Double(text.dropLast(2)).map { $0 / 1000 } }
        if text.hasSuffix("s") { return Double(text.dropLast()) }
        if text.hasSuffix("m") { return Double(text.dropLast()).map { $0 * 60 } }
        return Double(text)
    }

    public var description: String {
        "interrupt=\(Int((share * 100).rounded()))%,notice=\(notice)s,seed=\(seed),max=\(maxPerTask)"
    }
}
