import Foundation
import Render

/// Everything a job report shows, from what the job recorded: `blendbatch report --json` prints it,
/// `ReportHTML` draws it. Backend-neutral: a backend only feeds its attempts (`AttemptRecord`) and
/// where its logs are; frames come from `FrameMetrics`, the rest from the manifest and the status.
public struct JobReportData: Codable, Sendable {
    public var id: String
    /// `local`, `aws`, … (the backend that ran the tasks).
    public var backend: String
    public var generatedAt: Date
    /// The job's settings in the order people read them (input, scene, frames, …).
    public var settings: [Setting]
    public var status: JobStatus
    /// Seconds until the last frame at the rate frames arrived so far; nil when ended or unknown.
    public var etaSeconds: Double?
    /// Each rendered frame's metrics, in frame order.
    public var frames: [FrameMetric]
    /// Median and 90th percentile of the frames' render seconds; frames above `slowSeconds` stand out.
    public var medianFrameSeconds: Double?
    public var slowSeconds: Double?
    /// Every task attempt, in start order.
    public var attempts: [AttemptRecord]
    public var failures: [Failure]
    public var media: [Media]
    public var cost: CostSection

    /// True while the job may still change (the HTML then refreshes itself).
    public var live: Bool { !status.state.isFinal && status.state != .interrupted }

    public struct Setting: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// A failed frame or task, with the end of its log.
    public struct Failure: Codable, Sendable, Equatable {
        public var title: String
        public var reason: String
        /// Where the log is (a path, or the backend's log stream).
        public var log: String?
        public var logTail: [String]
    }

    /// A product of the stitch: `href` relative to the report when a browser can open it from there.
    public struct Media: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case video, gif, contactSheet }
        public var kind: Kind
        public var location: String
        public var href: String?
    }
}

/// One attempt of one task, as any backend reports it.
public struct AttemptRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case running, succeeded
        /// Failed, and the task was started again.
        case retried
        /// Stopped by a (Spot) interruption; started again without using up the failure budget.
        case interrupted
        case failed, cancelled
    }

    public var stage: Stage
    public var task: Int
    public var attempt: Int
    public var start: Date
    public var end: Date?
    public var outcome: Outcome
    /// How it ended, in words (exit code, reason).
    public var detail: String?
    /// Its log: a path relative to the job folder, or the backend's log stream.
    public var log: String?

    public init(stage: Stage, task: Int, attempt: Int, start: Date, end: Date? = nil, outcome: Outcome,
                detail: String? = nil, log: String? = nil) {
        self.stage = stage
        self.task = task
        self.attempt = attempt
        self.start = start
        self.end = end
        self.outcome = outcome
        self.detail = detail
        self.log = log
    }

    /// Seconds the attempt ran (until `now` while running).
    public func seconds(now: Date) -> Double { max(0, (end ?? now).timeIntervalSince(start)) }
}
