import Foundation
import Testing
@testable import TestSupport

@Suite("Requirement: a missing dependency skips outside CI and fails under CI")
struct RequirementTests {
    let bare = ["PATH": "/nonexistent"]

    @Test("met requirements run the test, with or without CI")
    func met() throws {
        let environment = ["PATH": "/usr/bin:/bin", "BLENDBATCH_MOTO_URL": "http://127.0.0.1:1"]
        #expect(try Requirement.check([.moto], ci: true, environment: environment))
        #expect(try Requirement.check([.moto], ci: false, environment: environment))
        #expect(try Requirement.check([], ci: true, environment: bare))
    }

    @Test("missing outside CI: skipped (false), the reason names the requirement and what to do")
    func skippedOutsideCI() throws {
        #expect(try Requirement.check([.moto, .blender], ci: false, environment: bare) == false)
        let reasons = Requirement.reasons([.moto, .blender, .tmux], bare)
        #expect(reasons == ["moto: BLENDBATCH_MOTO_URL is not set; start moto with scripts/moto start",
                            "blender: blender is not on PATH", "tmux: tmux is not on PATH"])
    }

    @Test("missing under CI: an error naming every missing requirement (a recorded failure, never a pass)")
    func failsUnderCI() throws {
        #expect {
            try Requirement.check([.ffmpeg, .moto], ci: true, environment: bare)
        } throws: { error in
            (error as? Requirement.Missing)?.reasons == ["ffmpeg: ffmpeg is not on PATH",
                                                        "moto: BLENDBATCH_MOTO_URL is not set; start moto with scripts/moto start"]
        }
    }

    @Test("a tool variable pointing at nothing is missing even when the tool is on PATH")
    func variableWins() {
        let reason = Requirement.blender.missingReason(in: ["PATH": "/usr/bin", "BLENDBATCH_BLENDER": "/nonexistent/blender"])
        #expect(reason == "BLENDBATCH_BLENDER=/nonexistent/blender is not executable")
    }

    @Test("scripts/test runs the suite under CI=true")
    func scriptsTestSetsCI() throws {
        let script = try String(contentsOf: repositoryRoot.appendingPathComponent("scripts/test"), encoding: .utf8)
        #expect(script.split(separator: "\n").contains("export CI=true"))
    }
}
