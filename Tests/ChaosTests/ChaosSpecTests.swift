import Testing
@testable import Chaos
import RenderPlan

@Suite("ChaosSpec")
struct ChaosSpecTests {
    @Test("interrupt=30%,notice=2s,seed=7 and its variants parse")
    func parse() throws {
        let spec = try ChaosSpec(parsing: "interrupt=30%,notice=2s,seed=7")
        #expect(spec.share == 0.3 && spec.notice == 2 && spec.seed == 7 && spec.maxPerTask == 3)
        let other = try ChaosSpec(parsing: "interrupt=0.5, notice=500ms, max=1")
        #expect(other.share == 0.5 && other.notice == 0.5 && other.maxPerTask == 1)
    }

    @Test("bad specs say what is wrong", arguments: [
        ("notice=2s", "interrupt=<share> is required"),
        ("interrupt=130%", "interrupt must be a share"),
        ("interrupt=30%,notice=soon", "notice must be a duration"),
        ("interrupt=30%,wobble=1", "unknown setting 'wobble'"),
        ("interrupt", "is not name=value"),
    ])
    func bad(text: String, message: String) {
        #expect {
            try ChaosSpec(parsing: text)
        } throws: { error in
            String(describing: error).contains(message) && String(describing: error).contains("example:")
        }
    }

    @Test("the seeded generator repeats its choices")
    func seeded() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        let first = (0..<5).map { _ in a.nextUnit() }
        #expect(first == (0..<5).map { _ in b.nextUnit() })
        #expect(first.allSatisfy { (0..<1).contains($0) })
    }
}
