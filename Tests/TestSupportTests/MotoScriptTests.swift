import Foundation
import Testing
import TestSupport

/// `scripts/moto start` against a moto it did not start (another port than the shared 5055).
@Suite("scripts/moto applies its configuration", .requires(.moto))
struct MotoScriptTests {
    @Test("start on a port where a moto already runs applies the test configuration to it instead of exiting early")
    func configuresRunningMoto() throws {
        let moto = try PrivateMoto(environment: [:])
        defer { moto.stop() }
        let port = try #require(URL(string: moto.url)?.port)
        let config = moto.url + "/moto-api/config"
        #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", config]).stdout.contains(#""batch": {"use_docker": true}"#))
        let started = try CLIRunner.runTool("/usr/bin/env", ["MOTO_PORT=\(port)", repositoryRoot.path + "/scripts/moto", "start"])
        #expect(started.status == 0, "\(started.output)")
        #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", config]).stdout.contains(#""batch": {"use_docker": false}"#))
        #expect(!FileManager.default.fileExists(atPath: repositoryRoot.path + "/.venv-moto/moto-\(port).pid"), "it started a second server")
    }
}
