import AWSCore
import AWSServices
import Foundation
import Synchronization

extension PriceTable {
    /// The table with the Spot prices of `types` read from EC2 `DescribeSpotPriceHistory` in the table's
    /// region, and the types refreshed; the table as it is when AWS does not answer within `timeout`
    /// seconds (no credentials, no network) or the client is in another region.
    public func refreshingSpot(_ types: [String], client: AWSClient, timeout: Double = 4) async -> (PriceTable, [String]) {
        guard client.configuration.region == region else { return (self, []) }
        let ec2 = EC2Client(client: client)
        // A race the answer or the clock wins: a request stuck on an unreachable host is left behind.
        let prices: [String: Double]? = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            Task {
                let history = try? await ec2.spotPriceHistory(types: types, since: Date().addingTimeInterval(-3 * 3600))
                once.resume(history.map(EC2Client.currentPrices))
            }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                once.resume(nil)
            }
        }
        var table = self
        var refreshed: [String] = []
        for (type, price) in (prices ?? [:]).sorted(by: { $0.key < $1.key }) where table.instances[type] != nil {
            table.instances[type]?.spotUSDPerHour = price
            refreshed.append(type)
        }
        return (table, refreshed)
    }

    /// The table with `speeds` (instance type → per-vCPU speed, from `--speed TYPE=F`) set.
    public func withSpeeds(_ speeds: [String: Double]) throws(PriceTableError) -> PriceTable {
        var table = self
        for (type, speed) in speeds.sorted(by: { $0.key < $1.key }) {
            guard table.instances[type] != nil else { _ = try price(of: type); continue }
            table.instances[type]?.speed = speed
        }
        return table
    }
}

/// Resumes a continuation with the first value given; later ones are dropped.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>
    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }
    func resume(_ value: Value) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}
