import Testing
@testable import RenderPlan

@Suite("FrameSet grammar and set operations")
struct FrameSetTests {
    @Test("OpenJD IntRangeExpr examples parse to the spec's values", arguments: [
        ("1 - 5", [1, 2, 3, 4, 5]),
        ("-1 - 1", [-1, 0, 1]),
        ("1-5:2", [1, 3, 5]),
        ("10-15:2,1-5", [1, 2, 3, 4, 5, 10, 12, 14]),
        ("1-10:4", [1, 5, 9]),
        ("-10--1", Array(-10...(-1))),
        ("1,5,9-12", [1, 5, 9, 10, 11, 12]),
        ("  7  ", [7]),
        ("10-1:-3", [1, 4, 7, 10]),
        ("1..4", [1, 2, 3, 4]),
        ("1..9:4, 20", [1, 5, 9, 20]),
        ("3-3", [3]),
        ("1-2:5", [1]),
    ])
    func parses(text: String, frames: [Int]) throws {
        #expect(try FrameSet(parsing: text).frames == frames)
    }

    @Test("empty expressions are refused with a hint")
    func empty() {
        for text in ["", "   "] {
            #expect(throws: FrameSetError.empty(text: text)) { try FrameSet(parsing: text) }
        }
        #expect(FrameSetError.empty(text: "").description.contains("1-100"))
    }

    @Test("a reversed range without a step is refused and the message says how to fix it")
    func reversed() {
        #expect(throws: FrameSetError.reversed(text: "10-1", start: 10, end: 1)) { try FrameSet(parsing: "10-1") }
        let message = FrameSetError.reversed(text: "10-1", start: 10, end: 1).description
        #expect(message.contains("1-10") && message.contains("10-1:-1"))
    }

    @Test("a zero step or a step against the range's direction is refused")
    func badSteps() {
        #expect(throws: FrameSetError.badStep(text: "1-10:0", step: 0)) { try FrameSet(parsing: "1-10:0") }
        #expect(throws: FrameSetError.badStep(text: "1-10:-2", step: -2)) { try FrameSet(parsing: "1-10:-2") }
        #expect(throws: FrameSetError.badStep(text: "10-1:2", step: 2)) { try FrameSet(parsing: "10-1:2") }
    }

    @Test("ranges whose frames share a stretch are refused, naming both and their frames")
    func overlap() throws {
        #expect(throws: FrameSetError.overlap(text: "1-5,5", first: "1-5", second: "5", spans: 1...5, 5...5)) {
            try FrameSet(parsing: "1-5,5")
        }
        #expect(throws: FrameSetError.self) { try FrameSet(parsing: "3,3") }
        // As in OpenJD, stretches count, not values: interleaved steps overlap too.
        #expect(throws: FrameSetError.self) { try FrameSet(parsing: "1-9:2,2-10:2") }
        let message = FrameSetError.overlap(text: "1-5,5", first: "1-5", second: "5", spans: 1...5, 5...5).description
        #expect(message.contains("\"1-5\" (frames 1 to 5) and \"5\" (frames 5 to 5) overlap"), "\(message)")
        #expect(try FrameSet(parsing: "1-5,6-9").count == 9)
    }

    @Test("a stepped range spans only the frames it holds, as in OpenJD (these were refused before)", arguments: [
        ("1-10:4,10-15", [1, 5, 9, 10, 11, 12, 13, 14, 15]),
        ("4-7,-1-4:4,25", [-1, 3, 4, 5, 6, 7, 25]),
        ("10-1:-4, 11", [2, 6, 10, 11]),
    ])
    func steppedSpans(text: String, frames: [Int]) throws {
        #expect(try FrameSet(parsing: text).frames == frames)
    }

    @Test("OpenJD's whitespace: after a minus sign, and any whitespace character; no plus sign")
    func whitespace() throws {
        #expect(try FrameSet(parsing: "- 5 - -1").frames == Array(-5...(-1)))
        #expect(try FrameSet(parsing: "1-3,\n7").frames == [1, 2, 3, 7])
        #expect(throws: FrameSetError.self) { try FrameSet(parsing: "+5") }
    }

    @Test("syntax errors name the character", arguments: [
        ("1-", 3), ("a", 1), ("1,,2", 3), ("1-5:", 5), ("1 2", 3), ("1-5x", 4), ("1.5", 2),
    ])
    func syntax(text: String, character: Int) {
        do {
            _ = try FrameSet(parsing: text)
            Issue.record("\(text) parsed")
        } catch let error {
            guard case .syntax(_, let position, _) = error else { Issue.record("\(error)"); return }
            #expect(position + 1 == character, "\(error)")
            #expect(error.description.contains("character \(character)"))
        }
    }

    @Test("sets larger than Blender's frame limit are refused without materialising them")
    func tooLarge() {
        #expect(throws: FrameSetError.self) { try FrameSet(parsing: "1-999999999") }
        #expect(throws: FrameSetError.self) { try FrameSet(start: 0, end: 2_000_000) }
    }

    @Test("the scene default is frame_start-frame_end:frame_step")
    func sceneDefault() throws {
        #expect(try FrameSet(start: 1, end: 10, step: 3).frames == [1, 4, 7, 10])
        #expect(try FrameSet(start: 5, end: 5).frames == [5])
        #expect(throws: FrameSetError.self) { try FrameSet(start: 10, end: 1) }
        #expect(throws: FrameSetError.self) { try FrameSet(start: 1, end: 10, step: 0) }
    }

    @Test("description compacts to runs and parses back to the same set", arguments: [
        ("1-100", "1-100"), ("1,3,5,7", "1-7:2"), ("1,2", "1-2"), ("1,10", "1,10"),
        ("1-5,7,9-12,20-30:5", "1-5,7,9-12,20-30:5"), ("-3--1,4", "-3--1,4"),
    ])
    func roundTrip(text: String, compact: String) throws {
        let set = try FrameSet(parsing: text)
        #expect(set.description == compact)
        #expect(try FrameSet(parsing: set.description) == set)
    }

    @Test("union, intersection, subtraction, symmetric difference and every-nth")
    func setOperations() throws {
        let a = try FrameSet(parsing: "1-10")
        let b = try FrameSet(parsing: "5-15:5")
        #expect(a.union(b).description == "1-10,15")
        #expect(a.intersection(b).frames == [5, 10])
        #expect(a.subtracting(b).description == "1-4,6-9")
        #expect(a.symmetricDifference(b).frames == [1, 2, 3, 4, 6, 7, 8, 9, 15])
        #expect(a.every(3).frames == [1, 4, 7, 10])
        #expect(a.contains(7) && !a.contains(11))
        #expect(FrameSet([3, 1, 3]).frames == [1, 3])
    }

    @Test("Codable as its string form")
    func codable() throws {
        let set = try FrameSet(parsing: "1-9:2,20")
        let data = try JSONEncoder().encode([set])
        #expect(String(decoding: data, as: UTF8.self) == #"["1-9:2,20"]"#)
        #expect(try JSONDecoder().decode([FrameSet].self, from: data) == [set])
    }
}

import Foundation
