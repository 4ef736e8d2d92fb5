import Foundation
import Testing

@Suite("A full output disk (real Blender, a tiny tmpfs)", .serialized, .requires(.blender, .tmpfs))
struct DiskFullTests {
    @Test("render onto a full disk: exit 74 at once (no retries), one line saying disk full and what to do, only whole frames, no scratch left, no Blender left")
    func renderFillsDisk() throws {
        let disk = try TinyDisk.mount(kilobytes: 96)
        defer { TinyDisk.unmount(disk) }
        let out = disk + "/out"
        let mark = UUID().uuidString
        let r = try CLIRunner.run(["render", Binary.demo, "--frames", "1-48", "--out", out, "--percent", "100", "--samples", "2", "--workers", "2"],
                                  environment: ["BB_TEST_MARK": mark])
        #expect(r.status == 74, "\(r.stderr)")
        let why = r.stderr.split(separator: "\n").filter { $0.contains("disk full") }
        #expect(!why.isEmpty && why.allSatisfy { $0.contains("free space") }, "\(r.stderr)")
        #expect(!r.stderr.contains("SIG"), "\(r.stderr)")
        let starts = Binary.journal(out).filter { $0["kind"] as? String == "start" }
        #expect((1...2).contains(starts.count), "a full disk is not retried (tasks started: \(starts.count))")
        // Every frame that made it is a whole PNG (ends with its IEND chunk); nothing half-written looks done.
        let frames = Binary.frames(out)
        #expect(frames.count < 48)
        for name in frames {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/frames/" + name))
            #expect(data.suffix(8) == Data([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]), "\(name) is not a whole PNG")
        }
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: out + "/.blendbatch/work")) ?? []
        #expect(scratch.isEmpty, "scratch left: \(scratch)")
        #expect(Binary.marked(mark).isEmpty)
    }
}
