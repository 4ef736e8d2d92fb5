import AWSCore
import Foundation
import ObjectStore
import Testing
@testable import Executors

@Suite("StoreOutage")
struct StoreOutageTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test("failing listings pause tasks and end the job at the limit, counted from the first failure")
    func continuousFailure() {
        var outage = StoreOutage(limit: 120)
        #expect(!outage.isDown && !outage.isOver(now: t0))
        outage.failed(at: t0, "connection refused")
        outage.failed(at: t0.addingTimeInterval(60), "connection refused")
        #expect(outage.isDown && !outage.isOver(now: t0.addingTimeInterval(119)))
        #expect(outage.isOver(now: t0.addingTimeInterval(120)))
        #expect(outage.lastError == "connection refused")
    }

    @Test("a listing that answers ends an outage only listings saw; a task's 76 lasts until progress")
    func signsOfLife() {
        var blip = StoreOutage(limit: 10)
        blip.failed(at: t0, "timeout")
        blip.answered()
        #expect(!blip.isDown && blip.since == nil)
        blip.failed(at: t0.addingTimeInterval(60), "timeout")
        #expect(!blip.isOver(now: t0.addingTimeInterval(61)), "an old blip must not count")

        // A store that lists but fails the tasks' uploads: tasks may start again, the clock runs on.
        var refusing = StoreOutage(limit: 10)
        refusing.failed(at: t0, "AccessDenied", byTask: true)
        refusing.answered()
        #expect(!refusing.isDown && refusing.since == t0 && !refusing.isOver(now: t0.addingTimeInterval(30)))
        refusing.failed(at: t0.addingTimeInterval(30), "AccessDenied", byTask: true)
        #expect(refusing.isOver(now: t0.addingTimeInterval(30)))
        refusing.progressed()
        #expect(!refusing.isDown && refusing.since == nil)
    }

    @Test("a listing the endpoint never answers gives up at its timeout with one error naming the prefix (moto behind a frozen proxy)", .requires(.moto))
    func frozenListing() async throws {
        let upstream = try #require(motoURL)
        let bucket = uniqueName("frozen")
        let client = motoClient()
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let proxy = try FaultProxy(upstream: upstream, plan: [], rule: { _ in .freeze })
        defer { proxy.stop() }
        let environment = AWSEnvironment(variables: [
            "AWS_ENDPOINT_URL": proxy.url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "2",
        ], homeDirectory: "/nonexistent")
        let store = S3Store(bucket: bucket, prefix: "jobs/x", client: AWSClient(configuration: .resolve(environment: environment)))
        await #expect(throws: StoreError.unreachable("s3://\(bucket)/jobs/x/frames/", reason: "no answer within 1 s")) {
            _ = try await store.listAll(prefix: "frames/", timeout: 1)
        }
        #expect(proxy.stats.requests == 1, "the request was sent once, then given up on")
    }

    @Test("the limit comes from BLENDBATCH_STORE_OUTAGE_LIMIT as a duration; nonsense keeps 2 minutes and is named")
    func limitFromEnvironment() {
        #expect(StoreOutage.limit(from: [:]) == 120)
        #expect(StoreOutage.limit(from: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "5s"]) == 5)
        #expect(StoreOutage.limit(from: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "3m"]) == 180)
        #expect(StoreOutage.limit(from: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "90"]) == 90)
        #expect(StoreOutage.limit(from: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "soon"]) == 120)
        #expect(StoreOutage.ignoredSetting(in: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "soon"])?.contains("not a duration") == true)
        #expect(StoreOutage.ignoredSetting(in: ["BLENDBATCH_STORE_OUTAGE_LIMIT": "5s"]) == nil)
        #expect(StoreOutage(limit: 120).listingTimeout == 10 && StoreOutage(limit: 2).listingTimeout == 1)
    }
}
