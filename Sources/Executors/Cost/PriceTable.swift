import Foundation
import RenderPlan

/// What one EC2 instance type costs and how fast it renders, per hour and per vCPU.
public struct InstancePrice: Codable, Sendable, Equatable {
    public var vcpus: Int
    /// How fast one vCPU of the type renders compared with one core of the machine that measured the
    /// frames (1 = the same); GPU types give the GPU's speed spread over their vCPUs.
    public var speed: Double
    public var onDemandUSDPerHour: Double
    public var spotUSDPerHour: Double

    public init(vcpus: Int, speed: Double, onDemandUSDPerHour: Double, spotUSDPerHour: Double) {
        self.vcpus = vcpus
        self.speed = speed
        self.onDemandUSDPerHour = onDemandUSDPerHour
        self.spotUSDPerHour = spotUSDPerHour
    }

    enum CodingKeys: String, CodingKey {
        case vcpus, speed
        case onDemandUSDPerHour = "on_demand_usd_per_hour"
        case spotUSDPerHour = "spot_usd_per_hour"
    }
}

/// A dated table of instance prices for one region: the one shipped in the repository
/// (`Sources/Executors/Cost/prices.json`), or a user's `--prices FILE` of the same shape.
public struct PriceTable: Codable, Sendable, Equatable {
    public var date: String
    public var region: String
    public var source: String
    public var instances: [String: InstancePrice]

    /// The instance types an estimate prices when none are asked for: two CPU families and a GPU type.
    public static let defaultTypes = ["c7i.4xlarge", "c6i.4xlarge", "g5.xlarge"]

    /// The table shipped with blendbatch.
    public static var shipped: PriceTable {
        // The shipped file is tested (PriceTableTests), so decoding it cannot fail at run time.
        try! parse(Data(PackageResources.prices_json), source: "the shipped price table")
    }

    /// A price table from JSON; `source` names it in the one-line error.
    public static func parse(_ data: Data, source: String) throws(PriceTableError) -> PriceTable {
        let table: PriceTable
        do { table = try JSONDecoder().decode(PriceTable.self, from: data) } catch {
            throw PriceTableError(.dataError, "\(source): not a price table (\(Self.reason(error))); "
                + "give JSON like {\"date\",\"region\",\"source\",\"instances\":{\"c7i.4xlarge\":{\"vcpus\":16,\"speed\":1,"
                + "\"on_demand_usd_per_hour\":0.714,\"spot_usd_per_hour\":0.33}}}")
        }
        for (name, price) in table.instances.sorted(by: { $0.key < $1.key }) {
            guard price.vcpus > 0, price.speed > 0, price.onDemandUSDPerHour >= 0, price.spotUSDPerHour >= 0 else {
                throw PriceTableError(.dataError, "\(source): \(name): vcpus and speed must be positive and prices not negative")
            }
        }
        return table
    }

    /// The table in `path`.
    public static func load(path: String) throws(PriceTableError) -> PriceTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PriceTableError(.noInput, "--prices \(path): no such file (give a JSON price table; see blendbatch estimate --help)")
        }
        return try parse(data, source: "--prices \(path)")
    }

    /// The price of `type`, or an error naming the types the table knows.
    public func price(of type: String) throws(PriceTableError) -> InstancePrice {
        guard let price = instances[type] else {
            throw PriceTableError(.usage, "instance type \(type): not in the price table of \(date) "
                + "(it has \(instances.keys.sorted().joined(separator: ", "))); add it with --prices FILE")
        }
        return price
    }

    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted?: return "not valid JSON"
        default: return "\(error)"
        }
    }
}

/// A price table that cannot be read or lacks a type: one line saying what and what to do.
public struct PriceTableError: Error, CustomStringConvertible, Equatable {
    /// 66 no such file, 65 not a price table, 64 an instance type it lacks.
    public var code: ExitCode
    public var description: String

    public init(_ code: ExitCode, _ description: String) {
        self.code = code
        self.description = description
    }
}
