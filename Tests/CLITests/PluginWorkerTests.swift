import Foundation
import Testing

/// `render.submit` from Debian's stock `lua5.4` through the plugin: the tasks run the `blendbatch`
/// found beside the module (no BLENDBATCH_WORKER, no blendbatch on PATH); real Blender, tiny frames.
@Suite("lua5.4 render.submit (plugin, real Blender)", .serialized)
struct PluginWorkerTests {
    static let library = URL(fileURLWithPath: CLIRunner.binary).deletingLastPathComponent().appendingPathComponent("libBlendBatchLua.so").path

    /// Run `code` in lua5.4 with the plugin at `module`, PATH without blendbatch, no BLENDBATCH_WORKER.
    func lua(_ code: String, module: String) throws -> CLIRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["BLENDBATCH_WORKER"] = nil
        environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        let folder = (module as NSString).deletingLastPathComponent
        return try CLIRunner.runTool("/usr/bin/lua5.4", ["-e", "package.cpath = '\(folder)/?.so;' .. package.cpath", "-e", code],
                                     environment: environment, inherit: false)
    }

    @Test("blendbatch.so linked beside nothing: the blendbatch next to the linked-to library runs the tasks")
    func findsWorker() throws {
        try #require(FileManager.default.fileExists(atPath: Self.library), "build the plugin: swift build --product BlendBatchLua")
        let module = try CLIRunner.tempDir().path + "/blendbatch.so"
        try FileManager.default.createSymbolicLink(atPath: module, withDestinationPath: Self.library)
        let out = Binary.folder("plugin-render")
        let r = try lua("""
            local bb = require 'blendbatch'
            local job = assert(bb.render.submit{file = '\(Binary.demo)', frames = '1-2', percent = 10, samples = 1,
                                                workers = 2, out = '\(out)', video = false})
            local report = job:wait{}
            print(report.state, report.framesDone)
            """, module: module)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "succeeded\t2\n", "\(r.stdout)\(r.stderr)")
        #expect(Binary.frames(out).count == 2)
    }

    @Test("a copy of the module with no blendbatch beside it or on PATH: nil, a message saying what to do, 'unavailable'")
    func missingWorker() throws {
        try #require(FileManager.default.fileExists(atPath: Self.library))
        let module = try CLIRunner.tempDir().path + "/blendbatch.so"
        try FileManager.default.copyItem(atPath: Self.library, toPath: module)
        let r = try lua("""
            local bb = require 'blendbatch'
            print(bb.render.submit{file = '\(Binary.demo)', frames = '1', out = '\(Binary.folder("plugin-none"))'})
            """, module: module)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("nil\tcannot start render tasks: the blendbatch program"), "\(r.stdout)")
        #expect(r.stdout.contains("BLENDBATCH_WORKER") && r.stdout.hasSuffix("\tunavailable\n"))
    }
}
