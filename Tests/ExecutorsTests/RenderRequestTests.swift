import BlendFile
import Foundation
import RenderPlan
import Testing
@testable import Executors

@Suite("RenderRequest")
struct RenderRequestTests {
    /// A shot with a camera (the pre-flight check refuses scenes without one), saved by Blender 4.2.
    static let basic = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Fixtures/blend/demo-4.2.blend"

    @Test("a plan takes the scene's range, chunks it for the workers and fills the manifest")
    func plan() async throws {
        var request = RenderRequest(file: Self.basic)
        request.workers = 2
        request.out = "/tmp/bb-plan-out"
        request.percent = 25
        let manifest = try await request.plan()
        #expect(!manifest.allFrames.isEmpty)
        #expect(manifest.chunks.count >= 2)
        #expect(manifest.output.location == "/tmp/bb-plan-out" && manifest.output.name == "demo-4.2")
        #expect(manifest.overrides.resolutionPercentage == 25 && manifest.overrides.threads == LocalExecutor.threadsPerTask(workers: 2))
        #expect(manifest.stitch != nil)
        request.frames = "1-10:3"
        request.chunk = 2
        request.video = false
        let stepped = try await request.plan()
        #expect(stepped.allFrames == [1, 4, 7, 10] && stepped.chunks.count == 2 && stepped.stitch == nil)
        #expect(RenderRequest.sameWork(stepped, try await request.plan()))
        #expect(!RenderRequest.sameWork(stepped, manifest))
    }

    @Test("info read elsewhere (an s3:// .blend read in place) is planned as is; without it the file is read")
    func planWithInfo() async throws {
        let info = try BlendFileReader.read(path: Self.basic)
        var request = RenderRequest(file: "s3://bucket/shots/demo-4.2.blend")
        request.out = "s3://bucket/jobs/basic"
        request.frames = "1-4"
        let manifest = try await request.plan(info: info, target: AWSBatchExecutor.planTarget)
        #expect(manifest.scene == info.scene?.name && manifest.allFrames == [1, 2, 3, 4])
        #expect(manifest.output.name == "demo-4.2")
        do { _ = try await request.plan(target: AWSBatchExecutor.planTarget); Issue.record("planned without a file") } catch {
            #expect(error.code == .noInput)
        }
    }

    @Test("default chunks: one task per worker, at most 25 frames; with one worker, one task for the whole job",
          arguments: [(2, "1-48", [24, 24]), (2, "1-120", [25, 25, 25, 25, 20]), (3, "1-7", [3, 3, 1]), (1, "1-120", [120]), (1, "5", [1])])
    func defaultChunks(workers: Int, frames: String, sizes: [Int]) async throws {
        var request = RenderRequest(file: Self.basic)
        request.workers = workers
        request.frames = frames
        request.out = "/tmp/bb-plan-out"
        #expect(try await request.plan().chunks.map(\.frames.count) == sizes)
    }

    @Test("--out: a file:// URL is its folder; an s3:// one is the output location as given; other schemes are refused")
    func outputLocation() async throws {
        var request = RenderRequest(file: Self.basic)
        request.out = "file:///tmp/bb-out-url/../bb-out"
        #expect(request.outputLocation == "/tmp/bb-out")
        request.out = "s3://bucket//jobs/shot"
        #expect(try await request.plan().output.location == "s3://bucket/jobs/shot")
        request.out = "gs://bucket/jobs/shot"
        do {
            _ = try await request.plan()
            Issue.record("planned a local render into gs://")
        } catch {
            #expect(error.code == .usage)
            #expect(error.message.contains("gs://bucket/jobs/shot") && error.message.contains("s3://"))
        }
    }

    @Test("bad requests name the problem and carry the exit code", arguments: [
        ("/nonexistent/x.blend", nil, nil, ExitCode.noInput),
        ("CORRUPT", nil, nil, ExitCode.dataError),
        ("BASIC", "NoSuchScene", nil, ExitCode.dataError),
        ("BASIC", nil, "10-1", ExitCode.usage),
    ] as [(String, String?, String?, ExitCode)])
    func bad(file: String, scene: String?, frames: String?, code: ExitCode) async {
        var request = RenderRequest(file: file == "BASIC" ? Self.basic : file == "CORRUPT" ? blendBat("corrupt_only_magic.blend") : file)
        request.scene = scene
        request.frames = frames
        do {
            _ = try await request.plan()
            Issue.record("planned a bad request")
        } catch {
            #expect(error.code == code)
            #expect(!error.message.isEmpty && !error.message.contains("\n"))
        }
    }
}
