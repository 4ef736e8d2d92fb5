import Testing
@testable import Render

@Suite("Blender log parser")
struct BlenderLogTests {
    func events(_ log: String) -> ([BlenderEvent], BlenderLogParser) {
        var parser = BlenderLogParser()
        let events = log.split(separator: "\n", omittingEmptySubsequences: false).flatMap { parser.parse(String($0)) }
        return (events, parser)
    }

    @Test("a captured Blender 3.4 Cycles log (frames 3-5 step 2) yields frames, samples, saves and times")
    func cycles() throws {
        let (events, _) = events(try TestSupport.fixture("cycles-3.4-frames-3-5-step-2.log"))
        #expect(events.compactMap { if case .frameStarted(let f) = $0 { f } else { nil } } == [3, 5])
        #expect(events.compactMap { if case .saved(let f, let p) = $0 { "\(f ?? -1):\(p)" } else { nil } }
                == ["3:/tmp/work/fr/f_000003.png", "5:/tmp/work/fr/f_000005.png"])
        let samples = events.compactMap { if case .sample(let f, let d, let t) = $0 { [f, d, t] } else { nil } }
        #expect(samples.contains([3, 2, 2]) && samples.contains([5, 1, 2]))
        #expect(samples.allSatisfy { $0[2] == 2 })
        let times = events.compactMap { if case .frameTime(let f, let s) = $0 { (f, s) } else { nil } }
        #expect(times.map(\.0) == [3, 5])
        #expect(abs(times[0].1 - 0.92) < 1e-9)
    }

    @Test("the same log with Blender 5's `render | ` prefix (synthesized from the real one) parses the same")
    func blender5Prefix() throws {
        let log = try TestSupport.fixture("cycles-3.4-frames-3-5-step-2.log")
        let prefixed = log.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "00:01.234  render           | " + $0 }.joined(separator: "\n")
        #expect(events(prefixed).0 == events(log).0)
        #expect(events(prefixed).0.count > 6)
    }

    @Test("a corrupt .blend's error line is the last error")
    func corrupt() throws {
        let (events, parser) = events(try TestSupport.fixture("corrupt-blend-3.4.log"))
        #expect(events == [.error("Error: Failed to read blend file '/tmp/work/corrupt.blend': Missing DNA block")])
        #expect(parser.lastError?.contains("Missing DNA block") == true)
    }

    @Test("EEVEE sample lines, our own error marker and Python exceptions")
    func otherLines() {
        var parser = BlenderLogParser()
        #expect(parser.parse("Fra:7 Mem:11.09M (Peak 12.20M) | Time:00:43.65 | Rendering 26 / 64 samples")
                == [.frameStarted(7), .sample(frame: 7, done: 26, total: 64)])
        #expect(parser.parse("blendbatch-error: scene 'X' not found") == [.error("scene 'X' not found")])
        #expect(parser.parse("TypeError: bpy_struct: item.attr = val: enum \"FOO\" not found") != [])
        #expect(parser.parse("Warning: something harmless") == [])
        #expect(parser.parse(" Time: 01:02:03.50 (Saving: 00:00.00)") == [.frameTime(frame: 7, seconds: 3723.5)])
        #expect(parser.parse("Fra:-3 Mem:1M | Sample 1/4") == [.frameStarted(-3), .sample(frame: -3, done: 1, total: 4)])
    }
}
