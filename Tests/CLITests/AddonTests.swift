import Foundation
import Testing

/// The Blender add-on (addons/blendbatch, packaged by scripts/build-addon) inside real Blenders: the
/// legacy zip in Debian's Blender 3.4, the extension in PyPI's bpy 4.5 (installed and validated by
/// Blender's own `extension` command code). Tests/Fixtures/addon/drive_addon.py does the clicking.
@Suite("Blender add-on (real Blender 3.4 and bpy 4.5)", .serialized)
struct AddonTests {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// dist/ of a scripts/build-addon run into a fresh folder.
    static let zips: String = {
        let folder = Binary.folder("addon-zips")
        _ = try? CLIRunner.runTool(Binary.repo + "/scripts/build-addon", [folder])
        return folder
    }()

    /// The studio config the add-on pre-fills from: tiny renders.
    static func studioConfig(in folder: String) -> String {
        let path = folder + "/config.json"
        FileManager.default.createFile(atPath: path, contents: Data(#"{"defaults": {"percent": 20, "samples": 2}}"#.utf8))
        return path
    }

    /// Run drive_addon.py in `blender` (its arguments before the script) on a copy of `blend`; returns
    /// the outcome it prints, the output folder, and Blender's stdout and stderr.
    func drive(kind: String, blender: String, arguments: [String], blend: String, extra: [String: String] = [:]) throws
        -> (outcome: [String: Any], out: String, stdout: String, stderr: String) {
        let folder = Binary.folder("addon-\(kind)")
        let copy = folder + "/shot.blend"
        try FileManager.default.copyItem(atPath: blend, toPath: copy)
        let zip = Self.zips + (kind == "legacy" ? "/blendbatch-addon.zip" : "/blendbatch-extension.zip")
        let spec = ["kind": kind, "zip": zip, "blend": copy, "binary": Binary.binary]
        let environment = [
            "BB_ADDON_SPEC": String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self),
            "BLENDBATCH_CONFIG": Self.studioConfig(in: folder),
            "BLENDBATCH_STATE_DIR": folder + "/state", "XDG_STATE_HOME": folder + "/xdg",
            // Blender's user folders in the test's own place (3.4 reads the first three, 4.2+ the last).
            "BLENDER_USER_CONFIG": folder + "/user/config", "BLENDER_USER_SCRIPTS": folder + "/user/scripts",
            "BLENDER_USER_DATAFILES": folder + "/user/datafiles", "BLENDER_USER_RESOURCES": folder + "/user",
        ]
        let script = Binary.repo + "/Tests/Fixtures/addon/drive_addon.py"
        let result = try CLIRunner.runTool(blender, arguments + [script], environment: environment.merging(extra) { $1 })
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("ADDON-OUTCOME: ") }) else {
            throw Failure(description: "Blender exited \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)")
        }
        let outcome = try Binary.json(String(line.dropFirst("ADDON-OUTCOME: ".count)))
        return (outcome, folder + "/out", result.stdout, result.stderr)
    }

    /// What every Blender must show: the job ran with the panel's and the form's settings, the file was
    /// saved first, frames outside the scene came back as one report, and the scene remembers the job.
    func expectSubmitted(_ run: (outcome: [String: Any], out: String, stdout: String, stderr: String)) {
        let o = run.outcome
        #expect(o["enabled"] as? Bool == true)
        #expect((o["recipes"] as? [String] ?? []).contains("render") && (o["recipes"] as? [String] ?? []).contains("preview"))
        #expect(o["prefilled"] as? [String: Int] == ["samples": 2, "percent": 20], "from the studio config's defaults")
        #expect(o["saved"] as? Bool == true, "submit saved the file first")
        let first = o["first"] as? [String: Any] ?? [:]
        #expect(first["result"] as? [String] == ["FINISHED"], "\(first)\n\(run.stdout)\n\(run.stderr)")
        let jobID = first["job_id"] as? String ?? ""
        #expect(!jobID.isEmpty)
        #expect((first["job_state"] as? String ?? "").hasPrefix("done: 3/3 frames"), "\(first)")
        #expect(Binary.frames(run.out) == (1...3).map { "shot_000\($0).png" }, "frames in \(run.out)")
        #expect(!FileManager.default.fileExists(atPath: run.out + "/shot.mp4"), "the form's video=false reached the recipe")
        let outside = o["outside"] as? [String: Any] ?? [:]
        let error = outside["error"] as? String ?? ""
        #expect(error.contains("bad option or frame set (exit 64)") && error.contains("frame 500 is outside the scene's range 1-48"),
                "\(outside)")
        #expect(!error.contains("\n"), "one line")
        #expect((outside["job_state"] as? String ?? "").hasPrefix("failed: bad option"))
        let preview = o["preview"] as? [String: Any] ?? [:]
        #expect(o["preview_form"] as? [String] == ["every", "workers"], "preview's own parameters")
        #expect(preview["result"] as? [String] == ["FINISHED"] && preview["job_state"] as? String == "done", "\(preview)")
        #expect(Binary.frames((run.out as NSString).deletingLastPathComponent + "/preview") == ["shot_0001.png", "shot_0003.png"],
                "every 2nd of 1-4, through `run preview --every 2`")
        let reopened = o["reopened"] as? [String: Any] ?? [:]
        #expect(reopened["job_id"] as? String == jobID && reopened["fps"] as? Int == 12, "the job id was saved with the file")
        let report = o["report"] as? String ?? ""
        #expect(report.hasSuffix("report.html") && FileManager.default.fileExists(atPath: report), "Open report: \(report)")
        let estimate = o["estimate"] as? String ?? ""
        #expect(estimate.hasPrefix("here ~") && estimate.contains("spot") && estimate.contains("on demand"), "Estimate: \(estimate)")
        #expect(!(run.stdout + run.stderr).contains("Traceback"), "\(run.stdout)\n\(run.stderr)")
    }

    @Test("the legacy add-on zip in Debian's Blender 3.4: installed, enabled, submit(wait=True) renders 3 frames here, the preview recipe's form reaches `run`; frames outside the scene: one report naming exit 64")
    func legacyInBlender34() throws {
        let run = try drive(kind: "legacy", blender: "/usr/bin/blender", arguments: ["-b", "--factory-startup", "--python"],
                            blend: Binary.demo)
        expectSubmitted(run)
    }

    @Test("in Blender 3.4's UI (Xvfb), submit without waiting: the add-on's timer follows the job and the panel shows it running, then done")
    func backgroundJobInTheUI() throws {
        let folder = Binary.folder("addon-ui")
        let blend = folder + "/shot.blend"
        try FileManager.default.copyItem(atPath: Binary.demo, toPath: blend)
        let spec = ["zip": Self.zips + "/blendbatch-addon.zip", "binary": Binary.binary]
        let result = try CLIRunner.runTool("/usr/bin/xvfb-run", [
            "-a", "-s", "-screen 0 1280x800x24", "/usr/bin/blender", "--factory-startup", blend,
            "--python", Binary.repo + "/Tests/Fixtures/addon/drive_addon_ui.py",
        ], environment: [
            "BB_ADDON_SPEC": String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self),
            "BLENDBATCH_CONFIG": Self.studioConfig(in: folder), "BLENDBATCH_STATE_DIR": folder + "/state",
            "BLENDER_USER_CONFIG": folder + "/user/config", "BLENDER_USER_SCRIPTS": folder + "/user/scripts",
        ])
        let line = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("ADDON-OUTCOME: ") },
                                "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let outcome = try Binary.json(String(line.dropFirst("ADDON-OUTCOME: ".count)))
        let states = outcome["states"] as? [String] ?? []
        #expect(states.contains { $0.hasPrefix("running: ") && $0.contains("/4 frames") }, "\(states)")
        #expect(states.last?.hasPrefix("done: 4/4 frames") == true, "\(states)")
        #expect(!(outcome["job_id"] as? String ?? "").isEmpty)
        #expect(Binary.frames(folder + "/out").count == 4)
        #expect(!(result.stdout + result.stderr).contains("Traceback"), "\(result.stdout)\n\(result.stderr)")
    }

    @Test("stand-in binary for estimate and report (other branches add them): the add-on shows the time and cheapest Spot cost, and keeps the report's path")
    func estimateAndReportStandIn() throws {
        let folder = Binary.folder("addon-standin")
        let blend = folder + "/shot.blend"
        try FileManager.default.copyItem(atPath: Binary.demo, toPath: blend)
        let estimate = #"{"here":{"wall_seconds":{"median":240,"p10":180,"p90":360}},"instances":["#
            + #"{"instance_type":"c7i.large","wall_seconds":300,"spot_usd":0.12,"on_demand_usd":0.4},"#
            + #"{"instance_type":"c7i.xlarge","wall_seconds":160,"spot_usd":0.2,"on_demand_usd":0.7}]}"#
        let standIn = folder + "/blendbatch"
        let script = """
            #!/bin/sh
            case "$1" in
              estimate) echo '\(estimate)' ;;
              report) echo "writing the report of $2" >&2; echo "\(folder)/$2/report.html" ;;
              *) echo '{}' ;;
            esac
            """
        FileManager.default.createFile(atPath: standIn, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        let expr = """
            import bpy
            bpy.ops.preferences.addon_install(filepath="\(Self.zips)/blendbatch-addon.zip")
            bpy.ops.preferences.addon_enable(module="blendbatch")
            bpy.context.preferences.addons["blendbatch"].preferences.binary = "\(standIn)"
            s = bpy.context.scene.blendbatch
            s.job_id = "job-1"
            bpy.ops.blendbatch.estimate()
            bpy.ops.blendbatch.open_report()
            print("ESTIMATE: " + s.estimate)
            print("REPORT: " + s.report_path)
            """
        let result = try CLIRunner.runTool("/usr/bin/blender", ["-b", "--factory-startup", blend, "--python-expr", expr],
                                           environment: ["BLENDER_USER_CONFIG": folder + "/user/config", "BLENDER_USER_SCRIPTS": folder + "/user/scripts"])
        #expect(result.stdout.contains("ESTIMATE: here ~4m00s (3m00s–6m00s) · AWS from $0.12 spot (c7i.large, $0.40 on demand)"), "\(result.stdout)")
        #expect(result.stdout.contains("REPORT: \(folder)/job-1/report.html"), "\(result.stdout)")
        #expect(!(result.stdout + result.stderr).contains("Traceback"), "\(result.stderr)")
    }

    @Test("the extension in bpy 4.5: Blender's validator passes it, `extension install-file -e` enables it, submit renders with the running Blender")
    func extensionInBpy45() throws {
        let python = try BlenderVersionsTests.bpy("4.5")
        // A recipe that declares no `blender` parameter (preview) renders with $BLENDBATCH_BLENDER.
        let run = try drive(kind: "extension", blender: python, arguments: [], blend: BlenderVersionsTests.fixture("4.5"),
                            extra: ["BLENDBATCH_BLENDER": python])
        #expect(run.outcome["validate"] as? Int == 0 && run.outcome["install"] as? Int == 0)
        expectSubmitted(run)
        let log = try String(contentsOfFile: try #require(BlenderVersionsTests.taskLogs(run.out).first), encoding: .utf8)
        #expect(log.contains("\"blender\":\"4.5."), "rendered by the bpy 4.5 that ran the add-on")
    }
}

/// What the add-on reads from the binary: `config --json` and the progress lines.
@Suite("What the add-on reads from blendbatch")
struct AddonInterfaceTests {
    @Test("config --json prints the studio defaults and recipe path; a bad default is one line, exit 65")
    func configJSON() throws {
        let folder = Binary.folder("config")
        let path = folder + "/config.json"
        try Data(#"{"recipe_path": ["/opt/studio/recipes"], "defaults": {"backend": "aws", "queue": "q", "samples": 8}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let result = try CLIRunner.run(["config", "--json"], environment: ["BLENDBATCH_CONFIG": path])
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try Binary.json(result.stdout)
        #expect(shown["recipe_path"] as? [String] == ["/opt/studio/recipes"])
        let defaults = shown["defaults"] as? [String: Any] ?? [:]
        #expect(defaults["backend"] as? String == "aws" && defaults["queue"] as? String == "q" && defaults["samples"] as? Int == 8)

        try Data(#"{"defaults": {"backend": "kubernetes"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let bad = try CLIRunner.run(["config", "--json"], environment: ["BLENDBATCH_CONFIG": path])
        #expect(bad.status == 65 && bad.stderr == "blendbatch: \(path): defaults: backend must be local, aws, slurm (got 'kubernetes')\n", "\(bad.stderr)")
    }

    @Test("BLENDBATCH_PROGRESS=json: one progress line per step with the job id, ending at done == total")
    func progressLines() throws {
        let out = Binary.folder("progress") + "/out"
        let result = try CLIRunner.run(["render", Binary.demo, "--frames", "1-2", "--out", out, "--no-video", "--json"] + Binary.tiny,
                                       environment: ["BLENDBATCH_PROGRESS": "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stderr.split(separator: "\n").filter { $0.hasPrefix("blendbatch-progress: ") }
            .map { try Binary.json(String($0.dropFirst("blendbatch-progress: ".count))) }
        let id = try Binary.json(result.stdout)["id"] as? String
        #expect(lines.first?["done"] as? Int == 0 && lines.last?["done"] as? Int == 2 && lines.last?["total"] as? Int == 2, "\(result.stderr)")
        #expect(id != nil && lines.allSatisfy { $0["job"] as? String == id })
    }
}
