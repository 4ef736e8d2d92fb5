import Foundation
import Testing
@testable import RenderPlan

@Suite("Planning a JobManifest")
struct JobManifestPlanTests {
    func sample() throws -> JobManifest {
        try JobManifest.plan(id: "job-1", input: "/tmp/demo.blend", scene: "Demo",
                             frames: try FrameSet(parsing: "1-10:2"), chunking: .frames(2),
                             overrides: RenderOverrides(resolutionPercentage: 50, samples: 4),
                             output: OutputSpec(location: "/tmp/out", name: "demo"),
                             stitch: StitchSpec(frameRate: 24))
    }

    @Test("plan gives every array index its chunk; allFrames is the whole set")
    func plan() throws {
        let manifest = try sample()
        #expect(manifest.chunks.map(\.frames) == [[1, 3], [5, 7], [9]])
        #expect(manifest.chunks.map(\.index) == [0, 1, 2])
        #expect(manifest.allFrames == [1, 3, 5, 7, 9])
        #expect(try manifest.chunk(at: 2).frames == [9])
        #expect(throws: ManifestError.noChunk(index: 3, count: 3)) { try manifest.chunk(at: 3) }
    }

    @Test("an empty frame set cannot be planned")
    func empty() {
        #expect(throws: ManifestError.emptyFrames) {
            try JobManifest.plan(id: "x", input: "a.blend", scene: nil, frames: FrameSet([]), chunking: .frames(1),
                                 overrides: RenderOverrides(), output: OutputSpec(location: "/o", name: "a"), stitch: nil)
        }
    }

    @Test("JSON round trip; newer versions and garbage are refused with a clear reason")
    func json() throws {
        let manifest = try sample()
        let data = try manifest.encoded()
        let decoded = try JobManifest.decode(data)
        #expect(decoded.chunks == manifest.chunks && decoded.output == manifest.output && decoded.id == manifest.id)
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        object["version"] = 99
        #expect(throws: ManifestError.newerVersion(99)) { try JobManifest.decode(try JSONSerialization.data(withJSONObject: object)) }
        object["version"] = 1
        object.removeValue(forKey: "chunks")
        let withoutChunks = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try JobManifest.decode(withoutChunks, source: "m.json")
            Issue.record("decoded without chunks")
        } catch {
            #expect(error.description.contains("m.json") && error.description.contains("chunks"))
        }
        #expect(throws: ManifestError.self) { try JobManifest.decode(Data("not json".utf8)) }
    }

    @Test("frame keys are padded to 4 and keep the sign")
    func frameKeys() {
        let output = OutputSpec(location: "/o", name: "shot", format: "OPEN_EXR")
        #expect(output.frameKey(7) == "frames/shot_0007.exr")
        #expect(output.frameKey(12345) == "frames/shot_12345.exr")
        #expect(output.frameKey(-3) == "frames/shot_-0003.exr")
    }

    @Test("job ids sort by time and are safe in paths")
    func ids() {
        let id = JobManifest.newID(name: "my shot/v2", date: Date(timeIntervalSince1970: 0))
        #expect(id.hasPrefix("19700101-000000-my-shot-v2-"))
        #expect(!id.contains("/") && !id.contains(" "))
    }
}
