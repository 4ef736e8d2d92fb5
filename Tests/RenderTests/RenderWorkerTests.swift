import Foundation
import Testing
import ObjectStore
import RenderPlan
@testable import Render

/// Real tiny renders (64x36, 2 samples, Cycles CPU) of the demo scene.
@Suite("Render worker", .serialized, .requires(.blender, .ffmpeg))
struct RenderWorkerTests {
    func worker(_ manifest: JobManifest, index: Int = 0, blender: String? = nil, events: TestSupport.Events,
                control: WorkerControl = WorkerControl()) -> RenderWorker {
        RenderWorker(manifest: manifest, index: index, blender: blender ?? TestSupport.blender, control: control,
                     emit: { events.add($0) })
    }

    @Test("store failures map to exit codes: an escaping key is bad data (65, never retried), local I/O 74, a cancelled call 75, the rest 76")
    func storeFailureCodes() {
        #expect(RenderWorker.storeFailure(StoreError.keyEscapesRoot("../x.png"), doing: "storing").code == .dataError)
        #expect(RenderWorker.storeFailure(StoreError.io("/o", reason: "No space left on device"), doing: "storing").code == .ioError)
        #expect(RenderWorker.storeFailure(CancellationError(), doing: "storing").code == .interrupted)
        #expect(RenderWorker.storeFailure(StoreError.unreachable("s3://b/", reason: "timed out"), doing: "storing").code == .storeError)
    }

    @Test("odd ranges and steps put exactly the right frame numbers in the store")
    func rightFrames() async throws {
        let out = TestSupport.temporaryFolder("frames")
        let manifest = try TestSupport.manifest(frames: "3-7:2,10,12", chunk: 3, out: out)
        #expect(manifest.chunks.map(\.frames) == [[3, 5, 7], [10, 12]])
        for index in manifest.chunks.indices {
            let events = TestSupport.Events()
            let summary = try await worker(manifest, index: index, events: events).run()
            #expect(summary.rendered.sorted() == manifest.chunks[index].frames)
            #expect(events.frames(.frameSaved).sorted() == manifest.chunks[index].frames)
            #expect(!events.all.filter { $0.event == .sample }.isEmpty)
        }
        let disk = TestSupport.framesOnDisk(out)
        #expect(disk.frames == [3, 5, 7, 10, 12])
        #expect(disk.others.isEmpty)
    }

    @Test("after deleting some frames, the worker renders only those and leaves the rest untouched; with none missing a failing stand-in Blender is never started")
    func onlyMissing() async throws {
        let out = TestSupport.temporaryFolder("resume")
        let manifest = try TestSupport.manifest(frames: "1-4", out: out)
        _ = try await worker(manifest, events: TestSupport.Events()).run()
        #expect(TestSupport.framesOnDisk(out).frames == [1, 2, 3, 4])
        let kept = ["frames/demo_0001.png", "frames/demo_0004.png"].map { out + "/" + $0 }
        let before = try kept.map { try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as! Date }
        try FileManager.default.removeItem(atPath: out + "/frames/demo_0002.png")
        // A zero-byte placeholder is not a finished frame.
        _ = FileManager.default.createFile(atPath: out + "/frames/demo_0003.png", contents: Data())

        let events = TestSupport.Events()
        let summary = try await worker(manifest, events: events).run()
        #expect(summary.skipped == [1, 4])
        #expect(summary.rendered.sorted() == [2, 3])
        #expect(events.frames(.frameSkipped) == [1, 4])
        #expect(events.all.first { $0.event == .chunkStarted }?.missing == "2-3")
        let after = try kept.map { try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as! Date }
        #expect(before == after)
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/frames/demo_0003.png")[.size] as! Int > 0)

        // Nothing missing: no Blender at all (a Blender that would fail proves it).
        let none = TestSupport.temporaryFolder("none")
        let failing = TestSupport.script("exit 3", in: none)
        let idle = try await worker(manifest, blender: failing, events: TestSupport.Events()).run()
        #expect(idle.rendered.isEmpty && idle.skipped == [1, 2, 3, 4])
    }

    @Test("an interrupt mid-render stops Blender, keeps finished frames, exits 'interrupted', leaves no temp file")
    func interrupted() async throws {
        let out = TestSupport.temporaryFolder("sigterm")
        let manifest = try TestSupport.manifest(frames: "1-40", out: out)
        let control = WorkerControl()
        let events = TestSupport.Events()
        events.onEvent = { if $0.event == .frameSaved && $0.frame == 2 { control.interrupt() } }
        do {
            _ = try await worker(manifest, events: events, control: control).run()
            Issue.record("the worker finished all 40 frames")
        } catch {
            #expect(error.code == .interrupted)
            #expect(error.message.contains("still to render"))
        }
        let disk = TestSupport.framesOnDisk(out)
        #expect(disk.frames.count >= 2 && disk.frames.count < 40)
        #expect(disk.frames == Array(1...disk.frames.count))
        #expect(disk.others.isEmpty, "temp files left: \(disk.others)")
        #expect(events.frames(.frameSaved).sorted() == disk.frames)
        // No Blender left behind in the worker's process group.
        #expect(!Self.blenderRunning(on: out))
    }

    @Test("a corrupt .blend is a data error (65), not retried as a render failure")
    func corruptBlend() async throws {
        let folder = TestSupport.temporaryFolder("corrupt")
        let blend = folder + "/broken.blend"
        _ = FileManager.default.createFile(atPath: blend, contents: Data("BLENDER-v304 this is not a blend file".utf8))
        let manifest = try TestSupport.manifest(frames: "1", input: blend, out: folder + "/out")
        await #expect(throws: WorkerError.self) { _ = try await worker(manifest, events: TestSupport.Events()).run() }
        do { _ = try await worker(manifest, events: TestSupport.Events()).run() } catch {
            #expect(error.code == .dataError)
            #expect(error.message.contains("broken.blend"))
        }
        #expect(TestSupport.framesOnDisk(folder + "/out").frames.isEmpty)
    }

    @Test("an unknown scene is a data error naming the scenes the file has")
    func unknownScene() async throws {
        let out = TestSupport.temporaryFolder("scene")
        let manifest = try TestSupport.manifest(frames: "1", out: out, scene: "Nope")
        do {
            _ = try await worker(manifest, events: TestSupport.Events()).run()
            Issue.record("rendered an unknown scene")
        } catch {
            #expect(error.code == .dataError)
            #expect(error.message.contains("'Nope'") && error.message.contains("Demo"))
        }
    }

    @Test("a missing .blend is 'no input' (66)")
    func missingBlend() async throws {
        let out = TestSupport.temporaryFolder("missing")
        let manifest = try TestSupport.manifest(frames: "1", input: out + "/nope.blend", out: out)
        do { _ = try await worker(manifest, events: TestSupport.Events()).run(); Issue.record("ran") } catch {
            #expect(error.code == .noInput)
        }
    }

    @Test("a Blender that crashes mid-frame (real Blender, then the crashing-blender stand-in) is a render failure (70) naming the frame; saved frames stay")
    func crashingBlender() async throws {
        let folder = TestSupport.temporaryFolder("crash")
        let out = folder + "/out"
        // The real Blender behind a wrapper that segfaults when the driver reaches frame 2.
        let fake = TestSupport.script("CRASH_FRAME=2 exec python3 '\(TestSupport.repo)/Tests/Fixtures/crashing-blender.py' \"$@\"", in: folder)
        let manifest = try TestSupport.manifest(frames: "1-3", out: out)
        do { _ = try await worker(manifest, blender: fake, events: TestSupport.Events()).run(); Issue.record("ran") } catch {
            #expect(error.code == .renderFailure)
            #expect(error.message.contains("signal 11") && error.message.contains("frame 2"))
            #expect(error.message.contains("2-3"))
        }
        #expect(TestSupport.framesOnDisk(out).frames == [1])
    }

    @Test("a stand-in Blender (a shell script) that exits 0 without saving every frame is a render failure naming them")
    func silentBlender() async throws {
        let folder = TestSupport.temporaryFolder("silent")
        let manifest = try TestSupport.manifest(frames: "5-6", out: folder + "/out")
        do {
            _ = try await worker(manifest, blender: TestSupport.script("echo 'Error: out of memory'", in: folder),
                                 events: TestSupport.Events()).run()
            Issue.record("ran")
        } catch {
            #expect(error.code == .renderFailure)
            #expect(error.message.contains("5-6") && error.message.contains("out of memory"))
        }
    }

    @Test("a real Blender that exits 0 without saving (the .blend's trusted script quits it as frame 6 starts) is a render failure naming frames 6-7; frame 5 stays")
    func realBlenderQuitsWithoutSaving() async throws {
        let folder = TestSupport.temporaryFolder("quits")
        let blend = try Self.blendThatQuits(atFrame: 6, in: folder)
        var manifest = try TestSupport.manifest(frames: "5-7", input: blend, out: folder + "/out")
        manifest.blendScripts = true
        let events = TestSupport.Events()
        do {
            _ = try await worker(manifest, events: events).run()
            Issue.record("ran")
        } catch {
            #expect(error.code == .renderFailure)
            #expect(error.message.contains("Blender exited without saving frames 6-7"), "\(error.message)")
            #expect(error.message.contains("a scene script quit Blender"), "\(error.message)")
        }
        #expect(events.frames(.frameSaved) == [5])
        #expect(TestSupport.framesOnDisk(folder + "/out").frames == [5])
    }

    /// The demo .blend with a registered text block (run on load when scripts are trusted) that
    /// prints an error and ends Blender with exit status 0 as soon as `frame` starts rendering.
    static func blendThatQuits(atFrame frame: Int, in folder: String) throws -> String {
        let blend = folder + "/quits.blend", handler = folder + "/quit_handler.py", make = folder + "/make.py"
        try """
            import bpy, os
            def quit_at_frame(scene, *rest):
                if scene.frame_current == \(frame):
                    print("Error: a scene script quit Blender", flush=True)
                    os._exit(0)
            bpy.app.handlers.render_pre.append(quit_at_frame)
            """.write(toFile: handler, atomically: true, encoding: .utf8)
        try """
            import bpy
            text = bpy.data.texts.new("quit_handler.py")
            text.write(open(\(String(reflecting: handler))).read())
            text.use_module = True
            bpy.ops.wm.save_as_mainfile(filepath=\(String(reflecting: blend)), copy=True)
            """.write(toFile: make, atomically: true, encoding: .utf8)
        let made = try CLIRunner.runTool(TestSupport.blender, ["-b", TestSupport.demoBlend, "--python-exit-code", "1", "--python", make])
        try #require(made.status == 0 && FileManager.default.fileExists(atPath: blend), "\(made.output)")
        return blend
    }

    @Test("a Blender that cannot be started is 'unavailable' (69)")
    func missingBlender() async throws {
        let out = TestSupport.temporaryFolder("noblender")
        let manifest = try TestSupport.manifest(frames: "1", out: out)
        do { _ = try await worker(manifest, blender: out + "/no-blender", events: TestSupport.Events()).run(); Issue.record("ran") } catch {
            #expect(error.code == .unavailable)
        }
    }

    @Test("a bad array index is a usage error naming the job's size")
    func badIndex() async throws {
        let out = TestSupport.temporaryFolder("index")
        let manifest = try TestSupport.manifest(frames: "1-4", chunk: 2, out: out)
        do { _ = try await worker(manifest, index: 5, events: TestSupport.Events()).run(); Issue.record("ran") } catch {
            #expect(error.code == .usage && error.message.contains("2 tasks"))
        }
    }

    @Test("WorkerTask reads the manifest from BLENDBATCH_MANIFEST and the index from AWS_BATCH_JOB_ARRAY_INDEX")
    func task() async throws {
        let out = TestSupport.temporaryFolder("task")
        let manifest = try TestSupport.manifest(frames: "1-4", chunk: 2, input: "/x.blend", out: out)
        let path = out + "/manifest.json"
        _ = FileManager.default.createFile(atPath: path, contents: try manifest.encoded())
        let task = try await WorkerTask.load(environment: ["BLENDBATCH_MANIFEST": path, "AWS_BATCH_JOB_ARRAY_INDEX": "1"])
        #expect(task.index == 1 && task.manifest.chunks == manifest.chunks)
        #expect(try await WorkerTask.load(environment: ["BLENDBATCH_MANIFEST": "file://" + path]).index == 0)
        await #expect(throws: WorkerError(.usage, "no job manifest: set BLENDBATCH_MANIFEST to its path or URL (or pass --manifest)")) {
            _ = try await WorkerTask.load(environment: [:])
        }
        do { _ = try await WorkerTask.load(environment: ["BLENDBATCH_MANIFEST": out + "/none.json"]); Issue.record("loaded") } catch {
            #expect(error.code == .noInput)
        }
        _ = FileManager.default.createFile(atPath: out + "/bad.json", contents: Data("{}".utf8))
        do { _ = try await WorkerTask.load(environment: ["BLENDBATCH_MANIFEST": out + "/bad.json"]); Issue.record("loaded") } catch {
            #expect(error.code == .dataError)
        }
        do { _ = try await WorkerTask.load(environment: ["BLENDBATCH_MANIFEST": path, "AWS_BATCH_JOB_ARRAY_INDEX": "x"]); Issue.record("loaded") } catch {
            #expect(error.code == .usage)
        }
    }

    @Test("worker events round-trip as JSON lines")
    func events() {
        let event = WorkerEvent(.frameSaved, frame: 12, seconds: 0.5, key: "frames/demo_0012.png")
        #expect(event.jsonLine.contains(#""event":"frame_saved""#) && !event.jsonLine.contains("\n"))
        #expect(WorkerEvent.parse(event.jsonLine) == event)
        #expect(WorkerEvent.parse("Fra:1 Mem") == nil)
    }

    /// True if a Blender process still has `needle` on its command line.
    static func blenderRunning(on needle: String) -> Bool {
        let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return procs.contains { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let line = String(decoding: data, as: UTF8.self)
            return line.contains("blender") && line.contains("blendbatch-test")
        }
    }
}
