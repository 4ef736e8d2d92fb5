import Foundation
import Testing

/// `scripts/slurm`, the test cluster's own launcher, on a second cluster of its own (a temporary
/// state folder and ports 6917/6918), so the suite's cluster is not touched.
@Suite("scripts/slurm (a second one-node cluster)", .requires(.slurm))
struct SlurmScriptTests {
    @Test("start brings a cluster back on a restored machine: daemons gone, their pid files and munge socket left behind")
    func startAfterRestore() async throws {
        let dir = try CLIRunner.tempDir().path
        let environment = ["BLENDBATCH_SLURM_DIR": dir, "SLURMCTLD_PORT": "6917", "SLURMD_PORT": "6918", "SLURM_CONF": dir + "/slurm.conf"]
        func script(_ command: String) throws -> CLIRunner.Result {
            try CLIRunner.runTool(repositoryRoot.path + "/scripts/slurm", [command], environment: environment, timeLimit: 180)
        }
        func nodeState() throws -> String {
            try CLIRunner.runTool("/usr/bin/env", ["sinfo", "-h", "-o", "%T"], environment: environment, timeLimit: 30)
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        defer { _ = try? script("stop") }

        let first = try script("start")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try nodeState() == "idle")

        // What a machine restored from a snapshot looks like: no daemons, every file still there.
        for pidFile in ["munge/munged.pid", "slurmctld.pid", "slurmd.pid"] {
            let pid = try #require(Int32(String(contentsOfFile: "\(dir)/\(pidFile)", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(pid, SIGKILL)
            #expect(try await Binary.waitFor(seconds: 10) { !running(pid) })
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/munge/munge.socket"))

        let again = try script("start")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try nodeState() == "idle")
    }
}

/// `pid` is a live process (not gone, not a zombie waiting to be reaped).
private func running(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].hasPrefix(" Z")
}
