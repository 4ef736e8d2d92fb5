import AWSCore
import Foundation
import Testing
@testable import AWSServices

@Suite("EC2 client against moto")
struct EC2ClientTests {
    @Test("DescribeSpotPriceHistory: the query-protocol request is answered with prices per zone for the asked type", .requires(.moto))
    func spotPriceHistory() async throws {
        let ec2 = EC2Client(client: motoClient())
        let history = try await ec2.spotPriceHistory(types: ["c7i.4xlarge"], since: Date().addingTimeInterval(-3600))
        #expect(!history.isEmpty)
        #expect(history.allSatisfy { $0.instanceType == "c7i.4xlarge" && $0.availabilityZone.hasPrefix("us-east-1") })
        // moto quotes every zone at US$0.00001.
        #expect(EC2Client.currentPrices(history) == ["c7i.4xlarge": 0.00001])
    }

    @Test("the current price is the median over zones of each zone's newest price")
    func currentPrices() {
        let history = [("a", 0.3, "2026-01-01T00:00:00Z"), ("a", 0.5, "2026-01-02T00:00:00Z"), ("b", 0.2, "2026-01-02T00:00:00Z"),
                       ("c", 0.9, "2026-01-02T00:00:00Z")].map {
            EC2Client.SpotPrice(instanceType: "g5.xlarge", availabilityZone: $0.0, usdPerHour: $0.1, timestamp: $0.2)
        }
        #expect(EC2Client.currentPrices(history) == ["g5.xlarge": 0.5])
    }
}
