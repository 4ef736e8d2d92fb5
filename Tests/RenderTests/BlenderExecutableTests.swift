import Foundation
import RenderPlan
import Testing
@testable import Render

@Suite("Blender executables: which kind, which release (real Blender 3.4 and Python)", .requires(.blender))
struct BlenderExecutableTests {
    @Test("a Python is recognised by its name, symbolic links followed; anything else is run as Blender")
    func kind() throws {
        #expect(BlenderExecutable(path: "/usr/bin/python3").kind == .python)
        #expect(BlenderExecutable(path: "/opt/venv/bin/python3.11").kind == .python)
        #expect(BlenderExecutable(path: "/usr/bin/blender").kind == .blender)
        #expect(BlenderExecutable(path: "/opt/tools/python-wrapper.sh").kind == .blender)
        let folder = TestSupport.temporaryFolder("kind")
        try FileManager.default.createSymbolicLink(atPath: folder + "/render-with", withDestinationPath: "/usr/bin/python3")
        #expect(BlenderExecutable(path: folder + "/render-with").kind == .python)
        #expect(BlenderExecutable(path: "/usr/bin/blender").driverArguments(driver: "d.py", spec: "s.json")
                == ["-b", "--python-exit-code", "70", "--python", "d.py", "--", "s.json"])
        #expect(BlenderExecutable(path: "/usr/bin/python3").driverArguments(driver: "d.py", spec: "s.json") == ["d.py", "s.json"])
    }

    @Test("Debian's Blender says 3.4.1, once: the answer is cached per build")
    func probeBlender() throws {
        let cache = TestSupport.temporaryFolder("probe")
        let blender = BlenderExecutable(path: TestSupport.blender)
        #expect(try BlenderProbe.version(of: blender, cache: cache) == BlenderVersion(3, 4, 1))
        let cached = try FileManager.default.contentsOfDirectory(atPath: cache)
        #expect(cached.count == 1 && cached[0].hasPrefix("blender-version-"))
        try "9.9.9\n".write(toFile: cache + "/" + cached[0], atomically: true, encoding: .utf8)
        #expect(try BlenderProbe.version(of: blender, cache: cache) == BlenderVersion(9, 9, 9), "read from the cache, not asked again")
    }

    @Test("a Python without bpy is named as such; a script that prints no version gives no version")
    func probeOthers() throws {
        let cache = TestSupport.temporaryFolder("probe-others")
        #expect(throws: BlenderProbe.Failure.noBpy("/usr/bin/python3")) {
            try BlenderProbe.version(of: BlenderExecutable(path: "/usr/bin/python3"), cache: cache)
        }
        let silent = TestSupport.script("echo hello", in: cache, name: "wrapper")
        #expect(try BlenderProbe.version(of: BlenderExecutable(path: silent), cache: cache) == nil)
    }
}
