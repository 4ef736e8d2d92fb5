import Foundation
import Testing
import ObjectStore

@Suite("FileDigest: SHA-256 of files, piece by piece")
struct FileDigestTests {
    @Test("known digests: 'abc', an empty file, and a file of several pieces equals hashing it whole")
    func digests() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/bb-digest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: folder + "/abc"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty"))
        #expect(try FileDigest.sha256Hex(ofFile: folder + "/abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try FileDigest.sha256Hex(ofFile: folder + "/empty") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // 2.5 MiB of 'a': three pieces; sha256sum of the same bytes.
        try Data(repeating: 0x61, count: 5 << 19).write(to: URL(fileURLWithPath: folder + "/big"))
        let expected = try CLIRunner.runTool("/usr/bin/sha256sum", [folder + "/big"]).stdout.prefix(64)
        #expect(try FileDigest.sha256Hex(ofFile: folder + "/big") == String(expected))
        #expect(throws: StoreError.self) { try FileDigest.sha256Hex(ofFile: folder + "/nope") }
    }
}
