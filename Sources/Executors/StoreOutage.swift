import Foundation
import ObjectStore
import RenderPlan

/// Whether a job's output store is failing, and since when. The controller starts no task while the
/// store is down, and ends the job with 76 once it has failed for `limit` seconds without a sign of
/// life; a task ending 76 is a sign of the outage, never a frame's failure.
///
/// Signs of failure: a listing that failed or gave no answer in time, a task that exited 76.
/// Signs of life: a listing that answered (the store is up again, so tasks may start; it ends an
/// outage only tasks have not seen, since a store that lists but refuses uploads is still failing),
/// and progress — a new frame in the store or a task that succeeded (ends any outage).
struct StoreOutage: Sendable {
    /// Seconds of failing after which the job ends with 76.
    let limit: Double
    /// The first failure of the current outage (nil while the store works).
    private(set) var since: Date?
    /// True from a failure until the store next answers: no task starts meanwhile.
    private(set) var isDown = false
    /// The last failure, for the job's end reason.
    private(set) var lastError: String?
    private var seenByTask = false

    init(limit: Double) { self.limit = limit }

    mutating func failed(at time: Date, _ error: String, byTask: Bool = false) {
        if since == nil { since = time }
        isDown = true
        lastError = error
        if byTask { seenByTask = true }
    }

    /// A listing answered.
    mutating func answered() {
        isDown = false
        if !seenByTask { since = nil }
    }

    /// A frame arrived or a task succeeded.
    mutating func progressed() {
        isDown = false
        seenByTask = false
        since = nil
    }

    /// True when the store is down and has been failing for `limit` seconds by `now`.
    func isOver(now: Date) -> Bool {
        guard isDown, let since else { return false }
        return now.timeIntervalSince(since) >= limit
    }

    /// How long one listing of the store may take before it counts as a failure.
    var listingTimeout: Double { min(10, max(1, limit / 4)) }

    /// The default limit, 2 minutes, or `BLENDBATCH_STORE_OUTAGE_LIMIT` (`90`, `30s`, `5m`).
    static func limit(from environment: [String: String] = ProcessInfo.processInfo.environment) -> Double {
        guard let text = environment["BLENDBATCH_STORE_OUTAGE_LIMIT"], let seconds = Chunking.parseDuration(text), seconds > 0 else {
            return 120
        }
        return seconds
    }

    /// What to tell the user when `BLENDBATCH_STORE_OUTAGE_LIMIT` is set but not a duration.
    static func ignoredSetting(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let text = environment["BLENDBATCH_STORE_OUTAGE_LIMIT"],
              Chunking.parseDuration(text).map({ $0 <= 0 }) ?? true else { return nil }
        return "BLENDBATCH_STORE_OUTAGE_LIMIT=\(text) is not a duration (e.g. 90s, 2m); using 2 minutes"
    }
}

extension ObjectStore {
    /// A remote store answers a listing of its frames within the listing time of `outageLimit` (see
    /// `StoreOutage`): an unknown bucket, refused credentials or an unreachable endpoint throw their
    /// `StoreError` here, before a job starts. A folder is not asked.
    func checkAnswers(outageLimit: Double) async throws {
        guard !location.isLocal else { return }
        try await answer(within: StoreOutage(limit: outageLimit).listingTimeout, about: "frames/") {
            for try await _ in self.list(prefix: "frames/") { break }
        }
    }

    /// Every object under `prefix`, or a `StoreError.unreachable` when the listing gives no answer
    /// within `timeout` seconds (the request is cancelled: a frozen endpoint cannot hold the caller).
    func listAll(prefix: String, timeout: Double) async throws -> [ObjectInfo] {
        try await answer(within: timeout, about: prefix) { try await self.listAll(prefix: prefix) }
    }

    /// What `body` returns, or a `StoreError.unreachable` naming `prefix` when it gives no answer
    /// within `timeout` seconds (it is cancelled then).
    func answer<T: Sendable>(within timeout: Double, about prefix: String,
                             _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StoreError.unreachable(location.appending(prefix).description,
                                             reason: "no answer within \(String(format: "%g", timeout)) s")
            }
            return value
        }
    }
}
