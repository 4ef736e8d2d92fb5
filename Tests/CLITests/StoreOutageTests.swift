import AWSCore
import Foundation
import ObjectStore
import Testing

/// An S3 outage in the middle of `render --out s3://…` (local backend, real Blender): moto behind a
/// loopback `FaultProxy` that the test cuts (every request dropped) or freezes (no answer at all).
@Suite("store outage during a render (moto behind a fault proxy, real Blender)", .serialized, .requires(.blender, .moto))
struct StoreOutageTests {
    let client = motoClient()
    let state = Binary.folder("outage-state")

    func environment(endpoint: String, limit: String) -> [String: String] {
        [
            "BLENDBATCH_STATE_DIR": state + "/jobs", "XDG_STATE_HOME": state + "/xdg", "HOME": state + "/home",
            "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint, "AWS_MAX_ATTEMPTS": "2", "BLENDBATCH_STORE_OUTAGE_LIMIT": limit,
        ]
    }

    /// A new bucket (made on moto directly) and a proxy in front of moto whose behaviour `mode` sets.
    func setUp() async throws -> (output: String, store: any ObjectStore, proxy: FaultProxy, mode: Mode) {
        let bucket = uniqueName("outage")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let mode = Mode()
        let proxy = try FaultProxy(upstream: try #require(motoURL), plan: [], rule: { head in mode.fault(for: head) })
        let output = "s3://\(bucket)/jobs/x"
        return (output, StoreFactory.open(try StoreLocation(parsing: output), client: client), proxy, mode)
    }

    /// Start a render of 8 one-frame tasks into `output` through the proxy; returns once a frame is in moto.
    func startRender(_ output: String, proxy: FaultProxy, store: any ObjectStore, limit: String, mark: String) async throws -> Process {
        let arguments = ["render", Binary.demo, "--frames", "1-8", "--chunk", "1", "--out", output, "--no-video"] + Binary.tiny
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment(endpoint: proxy.url, limit: limit)) { $1 }
            .merging(["BB_TEST_MARK": mark]) { $1 }
        _ = FileManager.default.createFile(atPath: state + "/render.out", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: state + "/render.out")
        _ = FileManager.default.createFile(atPath: state + "/render.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: state + "/render.log")
        try process.run()
        let stored = try await waitUntil(seconds: 180) {
            guard process.isRunning else { return true }
            return (try? await store.listAll(prefix: "frames/"))?.isEmpty == false
        }
        #expect(stored, "no frame reached the store")
        #expect(process.isRunning, "the render ended before the outage: \(process.terminationStatus) \(log())")
        return process
    }

    /// What the render said on stderr.
    func log() -> String { (try? String(contentsOfFile: state + "/render.log", encoding: .utf8)) ?? "" }

    /// The journal of the only job in this test's state directory.
    func journal() throws -> [[String: Any]] {
        let jobs = state + "/jobs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: jobs).first {
            FileManager.default.fileExists(atPath: "\(jobs)/\($0)/journal.jsonl")
        })
        let text = try String(contentsOfFile: "\(jobs)/\(id)/journal.jsonl", encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test("S3 cut mid-render: new tasks wait, the job ends with 76 naming the 5 s limit, no frame's budget is charged, stored frames stay", .requires(.moto))
    func cutEndpoint() async throws {
        let (output, store, proxy, mode) = try await setUp()
        defer { proxy.stop() }
        let mark = uniqueName("outage-cut")
        let process = try await startRender(output, proxy: proxy, store: store, limit: "5s", mark: mark)
        let kept = try await store.listAll(prefix: "frames/").count
        mode.fault = .drop
        #expect(try await exitsOnItsOwn(process, within: 180), "the render did not stop during the outage: \(log())")
        #expect(process.terminationStatus == 76, "\(log())")
        #expect(log().contains("store outage: \(output)/ failed for 5 s; stopping the job"), "\(log())")
        let summary = (try? String(contentsOfFile: state + "/render.out", encoding: .utf8)) ?? ""
        #expect(summary.contains("why: the store \(output)/ failed for 5 s"), "\(summary)")
        #expect(Binary.marked(mark).isEmpty, "processes left: \(Binary.marked(mark))")

        let entries = try journal()
        let decisions = entries.compactMap { $0["decision"] as? [String: Any] }
        #expect(!decisions.contains { $0["dropFrames"] != nil }, "\(decisions)")
        #expect(!decisions.contains { ($0["retry"] as? [String: Any])?["counted"] as? Bool == true }, "\(decisions)")
        #expect(!decisions.contains { $0["fail"] != nil }, "\(decisions)")
        // Once a task met the outage, no new task started: the store never came back.
        let firstWait = try #require(entries.firstIndex { ($0["decision"] as? [String: Any])?["waitForStore"] != nil })
        #expect(!entries[firstWait...].contains { $0["kind"] as? String == "start" }, "a task started during the outage")
        let end = try #require(entries.last { $0["kind"] as? String == "end" })
        #expect(end["state"] as? String == "failed")
        #expect((end["reason"] as? String)?.contains("the store \(output)") == true, "\(end)")
        #expect(try await store.listAll(prefix: "frames/").count >= kept)
    }

    @Test("S3 frozen before anything starts: render and status end with 76 and one line naming the URL, within a listing's time (1 s at a 4 s limit)", .requires(.moto))
    func frozenFromTheStart() async throws {
        let (output, store, proxy, mode) = try await setUp()
        defer { proxy.stop() }
        let environment = environment(endpoint: proxy.url, limit: "4s")
        let arguments = ["render", Binary.demo, "--frames", "1-2", "--out", output, "--no-video", "--json"] + Binary.tiny
        let rendered = try CLIRunner.run(arguments, environment: environment)
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let id = try #require(try Binary.json(rendered.stdout)["id"] as? String)
        #expect(try await store.listAll(prefix: "frames/").count == 2)

        mode.fault = .freeze
        let status = try CLIRunner.run(["status", id], environment: environment)
        #expect(status.status == 76, "\(status.stderr)")
        #expect(status.stderr == "blendbatch: \(output)/frames/: no answer within 1 s\n", "\(status.stderr)")
        let again = try CLIRunner.run(arguments.map { $0 == output ? output + "2" : $0 }, environment: environment)
        #expect(again.status == 76, "\(again.stderr)")
        #expect(again.stderr.split(separator: "\n").count == 1 && again.stderr.contains("\(output)2/frames/: no answer within 1 s"), "\(again.stderr)")
    }

    @Test("S3 cut for a moment mid-render: tasks wait for it, then the job finishes with every frame, no frame charged", .requires(.moto))
    func briefOutage() async throws {
        let (output, store, proxy, mode) = try await setUp()
        defer { proxy.stop() }
        let mark = uniqueName("outage-brief")
        let process = try await startRender(output, proxy: proxy, store: store, limit: "60s", mark: mark)
        mode.fault = .drop
        // The store comes back once a task has met the outage and waits for it.
        #expect(try await waitUntil(seconds: 120) {
            !process.isRunning || ((try? journal()) ?? []).contains { ($0["decision"] as? [String: Any])?["waitForStore"] != nil }
        })
        mode.fault = .forward
        #expect(try await exitsOnItsOwn(process, within: 300), "the render did not finish: \(log())")
        #expect(process.terminationStatus == 0, "\(log())")
        #expect(try await store.listAll(prefix: "frames/").count == 8)
        let decisions = try journal().compactMap { $0["decision"] as? [String: Any] }
        #expect(decisions.contains { $0["waitForStore"] != nil }, "the outage was not seen: \(decisions)")
        #expect(!decisions.contains { ($0["retry"] as? [String: Any])?["counted"] as? Bool == true || $0["dropFrames"] != nil }, "\(decisions)")
    }

    @Test("S3 frozen mid-render (a worker's frame upload and the controller's listing hanging), then Ctrl-C: exit 130, nothing left running", .requires(.moto))
    func frozenEndpointThenCtrlC() async throws {
        let (output, store, proxy, mode) = try await setUp()
        defer { proxy.stop() }
        let mark = uniqueName("outage-freeze")
        let process = try await startRender(output, proxy: proxy, store: store, limit: "10m", mark: mark)
        // Uploads freeze first, so a worker hangs in one; then everything, the controller's listings too.
        mode.freezeUploads = true
        #expect(try await waitUntil(seconds: 120) { mode.frozeUpload })
        mode.fault = .freeze
        #expect(try await waitUntil(seconds: 120) { mode.frozeListing })
        kill(process.processIdentifier, SIGINT)
        // Only the Ctrl-C can end it within the deadline: the outage limit is 10 min, a request's timeout 15.
        #expect(try await exitsOnItsOwn(process, within: 120), "Ctrl-C did not stop the render: \(log())")
        #expect(process.terminationStatus == 130, "\(log())")
        #expect(Binary.marked(mark).isEmpty, "processes left: \(Binary.marked(mark))")
    }
}

/// What the proxy does with each request, switched by the test while the render runs.
final class Mode: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var value = FaultProxy.Fault.forward
    private var uploadsFrozen = false
    private var froze = (upload: false, listing: false)
    var fault: FaultProxy.Fault {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
    /// Hold every upload (PUT) without an answer, forward the rest.
    var freezeUploads: Bool {
        get { lock.withLock { uploadsFrozen } }
        set { lock.withLock { uploadsFrozen = newValue } }
    }
    /// True once an upload, and once a listing, was held without an answer.
    var frozeUpload: Bool { lock.withLock { froze.upload } }
    var frozeListing: Bool { lock.withLock { froze.listing } }

    func fault(for head: String) -> FaultProxy.Fault {
        lock.withLock {
            let upload = head.hasPrefix("PUT "), listing = head.hasPrefix("GET ") && head.contains("list-type=2")
            if upload && (uploadsFrozen || value == .freeze) { froze.upload = true; return .freeze }
            if listing && value == .freeze { froze.listing = true }
            return value
        }
    }
}
