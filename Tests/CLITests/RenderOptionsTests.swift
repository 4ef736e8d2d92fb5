import Executors
import Foundation
import RenderPlan
import Testing
import TestSupport

/// `render`'s options come from one declaration (`RenderRequest.fields` and each scheduler's own):
/// its help lists them, and a word it does not declare is one line, exit 64, before anything runs.
@Suite("render options, read through the declaration (binary)")
struct RenderOptionsTests {
    @Test("render --help lists a flag for every request field and every scheduler's option, with its help")
    func helpListsTheDeclaration() throws {
        let help = try CLIRunner.run(["render", "--help"])
        #expect(help.status == 0)
        let flags = RenderRequest.fields.filter { $0.name != "file" }.map(\.spec) + Backends.schedulers.flatMap { $0.fields }
        for field in flags {
            #expect(help.stdout.contains("  \(field.flag)"), "\(field.flag) missing from render --help")
        }
        #expect(help.stdout.contains("SLURM OPTIONS (--backend slurm):") && help.stdout.contains("AWS OPTIONS (--backend aws):"))
        // The table keeps its columns: no line is longer than the terminal width ArgumentParser wraps at.
        let table = try #require(help.stdout.range(of: "RENDER OPTIONS").flatMap { start in
            help.stdout.range(of: "\nUSAGE:", range: start.upperBound..<help.stdout.endIndex).map { help.stdout[start.lowerBound..<$0.lowerBound] }
        })
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(table)")
    }

    @Test("words render does not take, and options of another backend: one line, exit 64, nothing planned", arguments: [
        (["--percnt", "50"], "blendbatch: unknown option '--percnt' (blendbatch render --help lists them)"),
        (["--queue", "q"], "blendbatch: --queue is for --backend aws"),
        (["--backend", "slurm", "--queue", "q"], "blendbatch: --queue is for backend 'aws', not 'slurm'"),
        (["--backend", "aws", "--partition", "p", "--out", "s3://b/x"], "blendbatch: --partition is for backend 'slurm', not 'aws'"),
        (["--backend", "slurm", "--chaos", "interrupt=30%"],
         "blendbatch: --chaos is not for backend 'slurm': it drills this machine; on Slurm, preempt a task with scontrol requeue"),
        (["--backend", "gcp"], "blendbatch: --backend gcp: use local, aws, slurm"),
        (["--percent", "half"], "blendbatch: --percent expects an integer, got 'half'"),
    ])
    func refused(_ words: [String], _ line: String) throws {
        let out = Binary.folder("render-options")
        let r = try CLIRunner.run(["render", Binary.demo, "--out", out] + words)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr == line + "\n")
        #expect(!FileManager.default.fileExists(atPath: out + "/.blendbatch"))
    }

    @Test("plan, chaos and estimate read the same options: a bad value is the same line everywhere")
    func sameEverywhere() throws {
        let out = Binary.folder("render-options-same")
        for command in [["render", Binary.demo], ["estimate", Binary.demo], ["chaos", Binary.demo],
                        ["plan", Binary.demo, "--job-id", "x"]] {
            let r = try CLIRunner.run(command + ["--out", out, "--chunk-time", "soon"])
            #expect(r.status == 64 && r.stderr == "blendbatch: --chunk-time 'soon': use e.g. 60s, 2m, 1h\n", "\(command[0]): \(r.stderr)")
        }
    }
}
