import Foundation
import Testing
import RenderPlan

/// `FrameSet` against OpenJD's reference implementation (`IntRangeExpr` of PyPI `openjd-model`, run by
/// `scripts/openjd-range` in `.venv-tools`): the same expressions valid, the same frames in each.
/// Blender's `a..b` and the frame-count limit are blendbatch's own, so the generator writes neither.
@Suite("FrameSet agrees with openjd-model")
struct FrameSetOpenJDTests {
    static let repository = repositoryRoot
    static let python = toolsVenv.appendingPathComponent("bin/python")
    @Test("3,000 random expressions: the same verdict and the same frames", .requires(.openjd))
    func differential() throws {
        var generator = SplitMix64(seed: 20261205)
        let expressions = (0..<3_000).map { _ in Self.expression(&generator) }
        let input = expressions.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let output = try Self.run([Self.repository.appendingPathComponent("scripts/openjd-range").path], input: input)
        let verdicts = output.split(separator: "\n").map { try! JSONDecoder().decode(Verdict.self, from: Data($0.utf8)) }
        try #require(verdicts.count == expressions.count)

        var disagreements: [String] = []
        var valid = 0
        for (text, reference) in zip(expressions, verdicts) {
            let ours = try? FrameSet(parsing: text)
            if ours != nil { valid += 1 }
            switch (ours, reference.frames) {
            case (nil, nil): continue
            case (let set?, let frames?) where set.frames == frames.sorted(): continue
            default:
                disagreements.append("\(text.debugDescription): ours \(ours.map { "\($0.frames)" } ?? "refused"), "
                                     + "openjd \(reference.frames.map { "\($0)" } ?? "refused (\(reference.error ?? ""))")")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagree:\n\(disagreements.prefix(10).joined(separator: "\n"))")
        // Both verdicts must be well represented, or the comparison proves little.
        #expect(valid > 600 && valid < 2_400, "\(valid) of 3,000 valid")
    }

    struct Verdict: Decodable {
        var frames: [Int]?
        var error: String?
    }

    /// One random expression: 1–4 elements (numbers, ranges, stepped ranges either way), random
    /// whitespace, now and then a malformed piece.
    static func expression(_ g: inout SplitMix64) -> String {
        func number() -> String { String(Int(g.next() % 61) - 20) }
        func space() -> String { ["", "", "", " ", "  ", "\t"][Int(g.next() % 6)] }
        func range() -> (Int, Int) {
            let a = Int(g.next() % 61) - 20, b = Int(g.next() % 61) - 20
            return g.next() % 5 == 0 ? (a, b) : (min(a, b), max(a, b))
        }
        func element() -> String {
            switch g.next() % 10 {
            case 0, 1: return number()
            case 2, 3, 4:
                let (a, b) = range()
                return "\(a)" + space() + "-" + space() + "\(b)"
            case 5, 6, 7, 8:
                let (a, b) = range(), step = Int(g.next() % 7) - 1
                return "\(a)-\(b)" + space() + ":" + space() + "\(a <= b ? step : -step)"
            default: return ["", "+3", "1-", "2:3", "x", "4-5:", "- -2", "1 2"][Int(g.next() % 8)]
            }
        }
        return (0...Int(g.next() % 4)).map { _ in space() + element() + space() }.joined(separator: ",")
    }

    @discardableResult
    static func run(_ arguments: [String], input: String) throws -> String {
        let result = try CLIRunner.runTool(python.path, arguments, stdin: input)
        guard result.status == 0 else { throw CocoaError(.executableLoad) }
        return result.stdout
    }
}
