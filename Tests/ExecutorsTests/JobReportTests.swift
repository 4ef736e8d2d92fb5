import AWSServices
@testable import Executors
import Foundation
import ObjectStore
import Render
import RenderPlan
import Testing

/// The job report's data and page, from records a backend would write (no Blender here: see
/// CLITests/ReportCommandTests for real renders in real Chromium).
@Suite("job report: attempts, metrics, page")
struct JobReportTests {
    static func manifest(frames: Int, chunk: Int) -> JobManifest {
        let chunks = stride(from: 1, through: frames, by: chunk).enumerated().map { FrameChunk(index: $0, frames: Array($1..<min($1 + chunk, frames + 1))) }
        return JobManifest(id: "job-1", input: "/shots/a.blend", scene: nil, overrides: RenderOverrides(), chunks: chunks,
                           output: OutputSpec(location: "/renders/a", name: "a"), stitch: StitchSpec(frameRate: 24))
    }

    @Test("the journal's starts, notices and exits become one attempt each, with its outcome")
    func journalAttempts() {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let entries: [JournalEntry] = [
            JournalEntry(.run, time: t, run: 1),
            JournalEntry(.start, time: t, task: 0, attempt: 1, log: "logs/task-0.1.log"),
            JournalEntry(.interrupt, time: t + 1, task: 0, attempt: 1, reason: "Host EC2 (simulated) interruption notice, 1s"),
            JournalEntry(.exit, time: t + 2, task: 0, attempt: 1, exit: .exited(75), decision: .retry(counted: false, after: 0)),
            JournalEntry(.start, time: t + 2, task: 0, attempt: 2),
            JournalEntry(.exit, time: t + 5, task: 0, attempt: 2, exit: .exited(0), decision: .succeeded),
            JournalEntry(.start, time: t, task: 1, attempt: 1),
            JournalEntry(.exit, time: t + 3, task: 1, attempt: 1, exit: .signaled(11), decision: .retry(counted: true, after: 1)),
            JournalEntry(.start, time: t + 4, task: 1, attempt: 2, log: "logs/task-1.2.log"),
            JournalEntry(.exit, time: t + 6, task: 1, attempt: 2, exit: .signaled(11), decision: .dropFrames([5], reason: "crashed on all 2 attempts")),
            JournalEntry(.exit, time: t + 6, task: 2, decision: .succeeded, reason: "all frames already in the store"),
            JournalEntry(.start, time: t + 7, stage: .stitch, task: 0, attempt: 1),
        ]
        let attempts = LocalReportSource.attempts(entries)
        #expect(attempts.map(\.outcome) == [.interrupted, .succeeded, .retried, .failed, .running])
        #expect(attempts.map(\.task) == [0, 0, 1, 1, 0])
        #expect(attempts[0].detail?.contains("interruption notice") == true)
        #expect(attempts[3].detail == "crashed on all 2 attempts" && attempts[3].log == "logs/task-1.2.log")
        #expect(attempts[4].stage == .stitch && attempts[4].end == nil)
        #expect(attempts[1].seconds(now: t) == 3)
    }

    @Test("Batch attempts: a Spot reclaim is an interruption, a failed retry is retried, the last of a failed job is failed, a running child is running")
    func batchAttempts() throws {
        let json = #"""
        {"jobName": "r", "jobId": "p:1", "jobQueue": "q", "status": "FAILED", "jobDefinition": "d",
         "attempts": [
           {"startedAt": 1000, "stoppedAt": 2000, "statusReason": "Host EC2 (instance i-1) terminated."},
           {"startedAt": 2500, "stoppedAt": 3000, "container": {"exitCode": 70, "logStreamName": "w/default/2"}},
           {"startedAt": 3500, "stoppedAt": 4000, "container": {"exitCode": 65}}]}
        """#
        let detail = try JSONDecoder().decode(JobDetail.self, from: Data(json.utf8))
        let attempts = AWSReportSource.attempts(detail, stage: .render, task: 1)
        #expect(attempts.map(\.outcome) == [.interrupted, .retried, .failed])
        #expect(attempts[1].log == "w/default/2" && attempts[1].start == Date(timeIntervalSince1970: 2.5))
        let running = try JSONDecoder().decode(JobDetail.self, from: Data(#"{"jobName": "r", "jobId": "p:2", "jobQueue": "q", "status": "RUNNING", "jobDefinition": "d", "startedAt": 5000}"#.utf8))
        #expect(AWSReportSource.attempts(running, stage: .render, task: 2).map(\.outcome) == [.running])
    }

    @Test("frame metrics: each attempt's object is read, a frame saved again counts by its last save, torn lines are skipped")
    func metricsStore() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/metrics-\(UUID().uuidString)"
        let store = LocalStore(root: root)
        let first = [FrameMetric(frame: 1, seconds: 2, peakMemory: 10, task: 0, attempt: 1, host: "a", savedAt: 10),
                     FrameMetric(frame: 2, seconds: 3, peakMemory: nil, task: 0, attempt: 1, host: "a", savedAt: 11)]
        try await store.put(data: FrameMetrics.encode(first) + Data(#"{"frame":3,"sec"#.utf8), key: FrameMetrics.key(job: "j", task: 0, attempt: 1))
        let again = [FrameMetric(frame: 2, seconds: 4, peakMemory: 12, task: 0, attempt: 2, host: "b", savedAt: 20)]
        try await store.put(data: FrameMetrics.encode(again), key: FrameMetrics.key(job: "j", task: 0, attempt: 2))
        let read = try await FrameMetrics.read(job: "j", store: store)
        #expect(read.map(\.frame) == [1, 2])
        #expect(read[1].attempt == 2 && read[1].host == "b")
        #expect(FileManager.default.fileExists(atPath: root + "/.blendbatch/jobs/j/metrics/task-0.2.jsonl"))
    }

    /// A finished 10,000-frame job: 400 tasks of 25 frames, every 100th frame ten times slower.
    static func bigReport(frames count: Int = 10_000) -> JobReportData {
        let manifest = manifest(frames: count, chunk: 25)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var frames: [FrameMetric] = []
        var attempts: [AttemptRecord] = []
        for chunk in manifest.chunks {
            let begin = start + Double(chunk.index / 8) * 60
            attempts.append(AttemptRecord(stage: .render, task: chunk.index, attempt: 1, start: begin, end: begin + 60,
                                          outcome: chunk.index % 50 == 0 ? .interrupted : .succeeded))
            for frame in chunk.frames {
                frames.append(FrameMetric(frame: frame, seconds: frame % 100 == 0 ? 24 : 2.4, peakMemory: 900_000_000, task: chunk.index,
                                          attempt: 1, host: "host-\(chunk.index % 8)", savedAt: begin.timeIntervalSince1970 + 30))
            }
        }
        var status = JobStatus(id: manifest.id, state: .succeeded, framesTotal: count, framesDone: count, tasksTotal: manifest.chunks.count)
        status.stitch = .succeeded
        let builder = JobReportBuilder(manifest: manifest, backend: "local", status: status, attempts: attempts, frames: frames,
                                       coresPerTask: 4, cost: nil, jobFolder: "/renders/a/.blendbatch/jobs/job-1")
        return builder.build(reportFolder: "/renders/a/.blendbatch/jobs/job-1")
    }

    @Test("a 10,000-frame report stays under 5 MB with one mark per frame, slow frames marked, one bar per attempt")
    func bigJob() {
        let report = Self.bigReport()
        let html = ReportHTML.render(report)
        #expect(html.utf8.count < 5_000_000, "\(html.utf8.count) bytes")
        #expect(html.components(separatedBy: "<rect data-frame=").count - 1 == 10_000)
        #expect(html.components(separatedBy: "class=\"slow\"").count - 1 == 100)
        #expect(html.components(separatedBy: "data-outcome=").count - 1 == 400)
        #expect(html.components(separatedBy: "data-outcome=\"interrupted\"").count - 1 == 8)
        #expect(!report.live && !html.contains("http-equiv=\"refresh\""))
        #expect(report.cost.coreHours == 400 * 60 * 4 / 3600.0)
        #expect(html.contains("no estimate recorded"))
    }

    @Test("text from the job is escaped; a running job's page refreshes itself and shows an ETA")
    func escapingAndLive() {
        var manifest = Self.manifest(frames: 4, chunk: 2)
        manifest.scene = "<script>alert(1)</script>"
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        var status = JobStatus(id: manifest.id, state: .running, framesTotal: 4, framesDone: 2, tasksTotal: 2)
        status.reason = "a & b"
        var builder = JobReportBuilder(manifest: manifest, backend: "local", status: status,
                                       attempts: [AttemptRecord(stage: .render, task: 0, attempt: 1, start: now - 100, outcome: .running)],
                                       frames: [1, 2].map { FrameMetric(frame: $0, seconds: 1, peakMemory: nil, task: 0, attempt: 1, host: "h", savedAt: now.timeIntervalSince1970 - 50) },
                                       coresPerTask: 1, cost: nil, jobFolder: "/x")
        builder.now = now
        let report = builder.build(reportFolder: "/x")
        #expect(report.etaSeconds == 100)
        let html = ReportHTML.render(report)
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;") && html.contains("a &amp; b"))
        #expect(html.contains(#"<meta http-equiv="refresh" content="5">"#))
    }

    @Test("media links are relative to the report's folder", arguments: [
        ("/renders/a/a.gif", "/renders/a/.blendbatch/jobs/j", "../../../a.gif"),
        ("/renders/a/a.gif", "/tmp/reports", "../../renders/a/a.gif"),
        ("/renders/a/a.gif", "/renders/a", "a.gif"),
    ])
    func relative(path: String, base: String, expected: String) {
        #expect(JobReportBuilder.relativePath(path, from: base) == expected)
    }
}
