import AWSCore
import Foundation

/// The EC2 calls blendbatch makes (query protocol: a form-encoded `POST /`, an XML answer).
public struct EC2Client: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// One Spot price: an instance type in an availability zone at a time.
    public struct SpotPrice: Sendable, Equatable {
        public var instanceType: String
        public var availabilityZone: String
        public var usdPerHour: Double
        public var timestamp: String
    }

    /// `DescribeSpotPriceHistory` for Linux instances of `types` since `since` (the newest price per
    /// zone is what the region charges now); the first page, which covers a few types.
    public func spotPriceHistory(types: [String], since: Date) async throws -> [SpotPrice] {
        var form: [(String, String)] = [("Action", "DescribeSpotPriceHistory"), ("Version", "2016-11-15"),
                                        ("ProductDescription.1", "Linux/UNIX"),
                                        ("StartTime", ISO8601DateFormatter().string(from: since))]
        for (i, type) in types.enumerated() { form.append(("InstanceType.\(i + 1)", type)) }
        let body = Data(AWSURIEncoding.canonicalQuery(form).utf8)
        let response = try await client.send(AWSRequest(service: .ec2, method: "POST", path: "/",
                                                        headers: ["content-type": "application/x-www-form-urlencoded; charset=utf-8"],
                                                        body: body))
        let text = String(decoding: response.body, as: UTF8.self)
        return AWSXML.elements("item", in: text).compactMap { item in
            guard let type = AWSXML.value("instanceType", in: item),
                  let price = AWSXML.value("spotPrice", in: item).flatMap(Double.init) else { return nil }
            return SpotPrice(instanceType: type, availabilityZone: AWSXML.value("availabilityZone", in: item) ?? "",
                             usdPerHour: price, timestamp: AWSXML.value("timestamp", in: item) ?? "")
        }
    }

    /// The median of each type's newest price per zone, by type.
    public static func currentPrices(_ history: [SpotPrice]) -> [String: Double] {
        var newest: [String: SpotPrice] = [:]
        for price in history {
            let key = price.instanceType + " " + price.availabilityZone
            if let seen = newest[key], seen.timestamp >= price.timestamp { continue }
            newest[key] = price
        }
        var byType: [String: [Double]] = [:]
        for price in newest.values { byType[price.instanceType, default: []].append(price.usdPerHour) }
        return byType.mapValues { prices in prices.sorted()[prices.count / 2] }
    }
}
