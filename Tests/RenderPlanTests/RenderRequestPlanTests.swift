import BlendFile
import Foundation
import Testing
@testable import RenderPlan

@Suite("RenderRequest: declared once, planned for a target")
struct RenderRequestPlanTests {
    /// A shot with a camera, saved by Blender 4.2.
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Fixtures/blend/demo-4.2.blend"

    @Test("each field takes the values its callers give (text, whole numbers, flags, on/off words, durations)")
    func fields() throws {
        var request = RenderRequest(file: "")
        try RequestField.apply(["file": .string("a.blend"), "frames": .int(5), "percent": .number(50), "video": .string("off"),
                                "denoise": .string("on"), "chunk_time": .string("2m"), "max_time": .int(90),
                                "persistent_data": .bool(false), "workers": .int(3)],
                               to: &request, fields: RenderRequest.fields)
        #expect(request.file == "a.blend" && request.frames == "5" && request.percent == 50 && !request.video)
        #expect(request.denoise == true && request.chunkTime == 120 && request.maxTime == 90 && request.persistentData == false)
        #expect(request.workers == 3 && request.scene == nil && !request.resume)
    }

    @Test("a value a field cannot take is one line naming the field", arguments: [
        ("percent", RequestValue.string("50"), "percent: expected a whole number, got \"50\""),
        ("percent", .number(2.5), "percent: expected a whole number, got 2.5"),
        ("chunk_time", .string("soon"), "chunk_time 'soon': use e.g. 60s, 2m, 1h"),
        ("video", .int(2), "video: use true or false (on or off), not 2"),
        ("scene", .bool(true), "scene: expected text, got true"),
    ])
    func badValues(_ name: String, _ value: RequestValue, _ message: String) throws {
        var request = RenderRequest(file: "a.blend")
        let field = try #require(RenderRequest.fields.first { $0.name == name })
        #expect(throws: FieldProblem(message)) { try field.set(value, in: &request) }
    }

    @Test("the declaration: unique snake_case names, each with help; file is the one required field")
    func declaration() {
        let names = RenderRequest.fields.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
        #expect(RenderRequest.fields.allSatisfy { !$0.spec.help.isEmpty })
        #expect(RenderRequest.fields.filter(\.spec.required).map(\.name) == ["file"])
        #expect(RenderRequest.fields.first { $0.name == "chunk_time" }?.spec.flag == "--chunk-time")
    }

    @Test("the target decides threads and the default chunk; grouping keeps every frame; the request knows no executor")
    func targets() throws {
        let info = try BlendFileReader.read(path: Self.fixture)
        var request = RenderRequest(file: Self.fixture)
        request.frames = "1-100"
        request.out = "/tmp/bb-target"
        let local = try request.plan(info, for: PlanTarget(slots: 4, threadsPerTask: 2))
        #expect(local.chunks.count == 4 && local.overrides.threads == 2)
        let batch = try request.plan(info, for: PlanTarget(slots: 1, chunk: 10)).grouped(maxChunks: 3)
        #expect(batch.overrides.threads == nil && batch.chunks.count == 3 && batch.allFrames == Array(1...100))
        #expect(try request.plan(info, for: PlanTarget(slots: 1, chunk: 10)).chunks.count == 10)
        request.chunk = 7
        #expect(try request.plan(info, for: PlanTarget(slots: 1, chunk: 10)).chunks.first?.frames.count == 7)
        #expect(try request.plan(info, for: PlanTarget(slots: 1)).chunks.count == 15)
    }

    @Test("bad requests are refused before any manifest, with the exit code render gives them")
    func refusals() throws {
        let info = try BlendFileReader.read(path: Self.fixture)
        var request = RenderRequest(file: Self.fixture)
        request.frames = "10-1"
        #expect(throws: RenderRequest.Problem.self) { try request.plan(info, for: PlanTarget(slots: 1)) }
        request.frames = nil
        request.scene = "Nope"
        #expect { try request.plan(info, for: PlanTarget(slots: 1)) } throws: { ($0 as? RenderRequest.Problem)?.code == .dataError }
        request.scene = nil
        request.device = "tpu"
        #expect { try request.plan(info, for: PlanTarget(slots: 1)) } throws: { ($0 as? RenderRequest.Problem)?.code == .usage }
    }
}
