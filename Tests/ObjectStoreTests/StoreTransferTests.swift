import AWSCore
import Crypto
import Foundation
import Testing
@testable import ObjectStore

@Suite("Transfers: faults, interop, safety", .requires(.moto), .serialized)
struct StoreTransferTests {
    @Test("recursive copies folder → S3 → folder keep every byte and relative key")
    func recursiveRoundTrip() async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var originals: [String: Data] = [:]
        for i in 0..<40 {
            let name = "frames/\(i % 3)/frame_\(i).png"
            originals[name] = randomData(1000 + i)
            try FileManager.default.createDirectory(atPath: folder + "/src/" + (name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try originals[name]!.write(to: URL(fileURLWithPath: folder + "/src/" + name))
        }
        let transfer = StoreTransfer(concurrency: 8)
        let up = try await transfer.copyAll(from: LocalStore(root: folder + "/src"), prefix: "", to: S3Store(bucket: bucket, prefix: "job", client: client))
        #expect(up.objects == 40)
        let down = try await transfer.copyAll(from: S3Store(bucket: bucket, prefix: "job", client: client), prefix: "", to: LocalStore(root: folder + "/dst"))
        #expect(down.objects == 40)
        #expect(filesBelow(folder + "/dst") == originals.keys.sorted())
        for (name, data) in originals { #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/dst/" + name)) == data) }
    }

    @Test("a key like ../../etc/x never escapes the destination folder")
    func escapingKey() async throws {
        let client = testClient(try requireMoto())
        let bucket = try await makeBucket(client)
        let store = S3Store(bucket: bucket, client: client)
        try await store.put(data: Data("fine".utf8), key: "ok/a.txt")
        try await store.put(data: Data("evil".utf8), key: "ok/../../etc/x")
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let destination = folder + "/a/b/dest"
        await #expect(throws: StoreError.keyEscapesRoot("../../etc/x")) {
            try await StoreTransfer().copyAll(from: store, prefix: "ok/", to: LocalStore(root: destination))
        }
        #expect(filesBelow(folder).isEmpty)  // nothing written anywhere, inside or out
    }

    @Test("through a proxy that drops connections, cuts answers short and answers 500/503: everything arrives, nothing partial remains")
    func faultyNetwork() async throws {
        let moto = try requireMoto()
        let direct = testClient(moto)
        let bucket = try await makeBucket(direct)
        // Uploads: the first four requests go to CreateMultipartUpload (three faults, then through);
        // the rest hit the parts, which are all done only after the plan runs out.
        let upProxy = try FaultProxy(upstream: moto, plan: [.drop, .status(503), .status(500), .forward, .drop, .status(503),
                                                            .truncate, .forward, .drop, .status(500), .truncate, .status(503)])
        defer { upProxy.stop() }
        var store = S3Store(bucket: bucket, client: testClient(upProxy.url, attempts: 8, baseDelay: 0.02))
        store.multipartThreshold = 5 << 20
        store.partSize = 5 << 20
        store.partConcurrency = 1  // one part at a time, so the faults land where the plan says
        let big = randomData(12 << 20)
        try await store.put(data: big, key: "big.bin")
        #expect(upProxy.stats.faults == 10)
        #expect(try await openUploads(direct, bucket: bucket) == 0)
        for i in 0..<10 { try await S3Store(bucket: bucket, client: direct).put(data: Data("small \(i)".utf8), key: "small/\(i)") }

        // Downloads: answers cut short (caught by the size check) and dropped.
        let downProxy = try FaultProxy(upstream: moto, plan: [.truncate, .drop, .status(503), .truncate, .status(500), .drop, .truncate])
        defer { downProxy.stop() }
        let client = testClient(downProxy.url, attempts: 8, baseDelay: 0.02)
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await S3Store(bucket: bucket, client: client).get(key: "big.bin", to: URL(fileURLWithPath: folder + "/big.bin"))
        try await StoreTransfer(concurrency: 4).copyAll(from: S3Store(bucket: bucket, prefix: "small", client: client), prefix: "",
                                                        to: LocalStore(root: folder + "/small"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/big.bin")) == big)
        #expect(filesBelow(folder) == ["big.bin"] + (0..<10).map { "small/\($0)" }.sorted())
        for i in 0..<10 { #expect(try String(contentsOfFile: folder + "/small/\(i)", encoding: .utf8) == "small \(i)") }
        #expect(downProxy.stats.faults == 7)
    }

    @Test("when a part keeps failing, the upload is aborted (no orphan parts) and no object appears")
    func persistentFailure() async throws {
        let moto = try requireMoto()
        let direct = testClient(moto)
        let bucket = try await makeBucket(direct)
        let proxy = try FaultProxy(upstream: moto, plan: []) { head in head.contains("partNumber=2") ? .status(503) : .forward }
        defer { proxy.stop() }
        var store = S3Store(bucket: bucket, client: testClient(proxy.url, attempts: 3, baseDelay: 0.01))
        store.multipartThreshold = 5 << 20
        store.partSize = 5 << 20
        do {
            try await store.put(data: randomData(11 << 20), key: "big.bin")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == "SlowDown")
            #expect(error.description.hasPrefix("s3://\(bucket)/big.bin: SlowDown"))
        }
        #expect(try await S3Store(bucket: bucket, client: direct).head(key: "big.bin") == nil)
        #expect(try await openUploads(direct, bucket: bucket) == 0)
    }

    @Test("a download that keeps failing leaves no file behind")
    func failedDownload() async throws {
        let moto = try requireMoto()
        let direct = testClient(moto)
        let bucket = try await makeBucket(direct)
        try await S3Store(bucket: bucket, client: direct).put(data: randomData(300_000), key: "frame.png")
        let proxy = try FaultProxy(upstream: moto, plan: []) { _ in .truncate }
        defer { proxy.stop() }
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = S3Store(bucket: bucket, client: testClient(proxy.url, attempts: 3, baseDelay: 0.01))
        await #expect(throws: StoreError.self) {
            try await store.get(key: "frame.png", to: URL(fileURLWithPath: folder + "/frame.png"))
        }
        #expect(filesBelow(folder).isEmpty)
    }

    @Test("interop with the AWS CLI on the same moto, both ways, byte-identical", .requires(.awsCLI))
    func awsCLIInterop() async throws {
        let moto = try requireMoto()
        let aws = toolsVenv.path + "/bin/aws"
        let client = testClient(moto)
        let bucket = try await makeBucket(client)
        let store = S3Store(bucket: bucket, client: client)
        let folder = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ours = randomData(9 << 20 + 17)  // multipart on our side
        try await store.put(data: ours, key: "from-us/data.bin")
        try runAWS(aws, moto, ["s3", "cp", "s3://\(bucket)/from-us/data.bin", folder + "/by-cli.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/by-cli.bin")) == ours)

        let theirs = randomData(20 << 20 + 5)  // the CLI uploads this in parts too
        try theirs.write(to: URL(fileURLWithPath: folder + "/cli-source.bin"))
        try runAWS(aws, moto, ["s3", "cp", folder + "/cli-source.bin", "s3://\(bucket)/from-cli/data.bin"])
        try await store.get(key: "from-cli/data.bin", to: URL(fileURLWithPath: folder + "/by-us.bin"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/by-us.bin")) == theirs)
        let listed = try await store.listAll(prefix: "")
        #expect(listed.map(\.key) == ["from-cli/data.bin", "from-us/data.bin"])
    }

    func runAWS(_ aws: String, _ endpoint: String, _ arguments: [String]) throws {
        let run = try CLIRunner.runTool(aws, arguments + ["--only-show-errors"], environment: [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint, "HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin"], inherit: false)
        #expect(run.status == 0, "aws \(arguments.joined(separator: " ")) failed: \(run.stderr)")
    }
}
