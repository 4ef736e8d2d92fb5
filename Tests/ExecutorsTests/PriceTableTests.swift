import AWSCore
import Foundation
import RenderPlan
import Testing
@testable import Executors

@Suite("Price table: the shipped one, --prices files, mistakes")
struct PriceTableTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString.prefix(8)).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the shipped table is dated, names its region and source, and prices every default type")
    func shipped() throws {
        let table = PriceTable.shipped
        #expect(table.date.count == 10 && table.date.hasPrefix("20"))
        #expect(table.region == "us-east-1")
        #expect(table.source.contains("On-Demand") && table.source.contains("Spot"))
        for type in PriceTable.defaultTypes {
            let price = try table.price(of: type)
            #expect(price.vcpus > 0 && price.spotUSDPerHour < price.onDemandUSDPerHour, "\(type)")
        }
    }

    @Test("a --prices file replaces the table; a type it lacks is named with the types it has")
    func override() throws {
        let path = try file(#"""
            {"date":"2027-01-02","region":"eu-west-1","source":"my quote",
             "instances":{"c7i.4xlarge":{"vcpus":16,"speed":1.5,"on_demand_usd_per_hour":1.0,"spot_usd_per_hour":0.25}}}
            """#)
        let table = try PriceTable.load(path: path)
        #expect(table.region == "eu-west-1")
        #expect(try table.price(of: "c7i.4xlarge") == InstancePrice(vcpus: 16, speed: 1.5, onDemandUSDPerHour: 1.0, spotUSDPerHour: 0.25))
        #expect(throws: PriceTableError(.usage, "instance type g5.xlarge: not in the price table of 2027-01-02 (it has c7i.4xlarge); add it with --prices FILE")) {
            try table.price(of: "g5.xlarge")
        }
        #expect(try table.withSpeeds(["c7i.4xlarge": 3]).instances["c7i.4xlarge"]?.speed == 3)
    }

    @Test("a missing file is 66, a file that is no price table is 65 with one line saying what is wrong", arguments: [
        ("{not json", "not valid JSON"),
        (#"{"date":"d","region":"r","source":"s"}"#, "missing instances"),
        (#"{"date":"d","region":"r","source":"s","instances":{"x":{"vcpus":"4","speed":1,"on_demand_usd_per_hour":1,"spot_usd_per_hour":1}}}"#, "wrong type at instances.x.vcpus"),
        (#"{"date":"d","region":"r","source":"s","instances":{"x":{"vcpus":0,"speed":1,"on_demand_usd_per_hour":1,"spot_usd_per_hour":1}}}"#, "x: vcpus and speed must be positive"),
    ])
    func mistakes(_ text: String, _ says: String) throws {
        let path = try file(text)
        let error = try #require(throws: PriceTableError.self) { try PriceTable.load(path: path) }
        #expect(error.code == .dataError)
        #expect(error.description.hasPrefix("--prices \(path): "))
        #expect(error.description.contains(says), "\(error.description)")
        #expect(!error.description.contains("\n"))
        let missing = try #require(throws: PriceTableError.self) { try PriceTable.load(path: "/nonexistent/prices.json") }
        #expect(missing.code == .noInput)
    }

    @Test("Spot prices are refreshed from EC2 (moto) in the table's region; an unreachable AWS leaves the table as it is", .requires(.moto))
    func refresh() async throws {
        let (table, refreshed) = await PriceTable.shipped.refreshingSpot(["c7i.4xlarge", "g5.xlarge"], client: motoClient())
        #expect(refreshed == ["c7i.4xlarge", "g5.xlarge"])
        #expect(table.instances["c7i.4xlarge"]?.spotUSDPerHour == 0.00001)
        #expect(table.instances["c7i.4xlarge"]?.onDemandUSDPerHour == PriceTable.shipped.instances["c7i.4xlarge"]?.onDemandUSDPerHour)
        let unreachable = AWSClient(configuration: .resolve(environment: AWSEnvironment(variables: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t",
            "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"], homeDirectory: "/nonexistent")))
        let (same, none) = await PriceTable.shipped.refreshingSpot(["c7i.4xlarge"], client: unreachable, timeout: 2)
        #expect(none.isEmpty && same == PriceTable.shipped)
    }
}
