import Foundation
import Testing

/// `blendbatch info` on .blend files that are small on disk and gigabytes decoded (issue 20):
/// the bombs are written at test time by scripts/make-blend-bombs, and the peak memory of the
/// `info` process is read with `/usr/bin/time`.
@Suite("info on decompression bombs: bounded memory, exit 65", .serialized)
struct BlendBombTests {
    /// Peak resident memory allowed for any bomb.
    static let limit = 100 << 20

    static let bombs: String = {
        let folder = Binary.folder("bombs")
        _ = try? CLIRunner.runTool(Binary.repo + "/scripts/make-blend-bombs", [InfoCommandTests.data + "/basic_file.blend", folder])
        return folder
    }()

    /// Run `blendbatch info FILE` under `/usr/bin/time`: exit code, stderr (without time's
    /// line) and peak RSS in bytes.
    func measured(_ file: String) throws -> (code: Int32, stderr: String, peak: Int) {
        let p = try CLIRunner.runTool("/usr/bin/time", ["-f", "peak-kb %M", Binary.binary, "info", file])
        var lines = p.stderr.split(separator: "\n").map(String.init)
        let peak = try #require(lines.last.flatMap { $0.hasPrefix("peak-kb ") ? Int($0.dropFirst(8)) : nil })
        lines.removeLast()
        lines.removeAll { $0.hasPrefix("Command exited with non-zero status") }
        return (p.status, lines.joined(separator: "\n"), peak * 1024)
    }

    @Test("gzip whose IM blocks inflate to 2 GiB: refused at the retention limit, exit 65")
    func gzipImageBlocks() throws {
        let file = Self.bombs + "/gzip-im.blend"
        let r = try measured(file)
        #expect(r.code == 65)
        #expect(r.stderr == "blendbatch: \(file): corrupt: the blocks this reader decodes exceed 48 MiB at block IM (offset 42352288): a hostile or damaged file")  // the 6th IM: 5 × 8 MiB + the scene blocks before them
        #expect(r.peak < Self.limit, "peak \(r.peak >> 20) MiB")
    }

    @Test("seekable zstd whose seek table claims a 1 GiB frame: refused from the table, exit 65")
    func zstdHugeFrame() throws {
        let file = Self.bombs + "/zstd-frame.blend"
        let r = try measured(file)
        #expect(r.code == 65)
        #expect(r.stderr == "blendbatch: \(file): decompression failed: zstd frame 0 claims 1073741824 bytes; Blender writes frames of 1–2 MiB (limit 64 MiB)")
        #expect(r.peak < Self.limit, "peak \(r.peak >> 20) MiB")
    }

    @Test("a legal 60 MiB zstd frame is decoded in pieces, never held whole")
    func zstdLargeFrameStreamed() throws {
        let r = try measured(Self.bombs + "/zstd-60m.blend")
        #expect(r.code == 0)
        #expect(r.stderr.isEmpty)
        // The process alone takes about 27 MiB; holding the frame would add 60 MiB.
        #expect(r.peak < 60 << 20, "peak \(r.peak >> 20) MiB")
    }
}
