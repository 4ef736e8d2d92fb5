import ProcessSpawn
import Testing
@testable import Render

@Suite("Child process output")
struct ChildProcessTests {
    @Test("blocks are the output byte for byte, lines split at newlines, a last line without one kept")
    func blocksAndLines() {
        // Three writes with pauses so the reads see separate runs, one line split across two writes.
        let script = "printf 'one\\ntw'; sleep 0.05; printf 'o\\nthree\\n'; sleep 0.05; printf 'tail'"
        let child = try! ChildProcess.spawn("/bin/sh", ["-c", script])
        var blocks: [String] = [], lines: [String] = []
        child.readLines(block: { blocks.append($0) }) { lines.append($0) }
        #expect(child.wait().isSuccess)
        #expect(lines == ["one", "two", "three", "tail"])
        #expect(blocks.joined() == "one\ntwo\nthree\ntail")
        #expect(blocks.dropLast().allSatisfy { $0.hasSuffix("\n") })
    }

    @Test("a child that prints nothing gives no block and no line")
    func silent() {
        let child = try! ChildProcess.spawn("/bin/true", [])
        var calls = 0
        child.readLines(block: { _ in calls += 1 }) { _ in calls += 1 }
        #expect(child.wait().isSuccess)
        #expect(calls == 0)
    }
}
