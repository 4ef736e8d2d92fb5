import Foundation
import Testing

@Suite("blendbatch run")
struct RunCommandTests {
    func recipe(_ code: String, name: String = "recipe.lua") throws -> (URL, String) {
        let dir = try CLIRunner.tempDir()
        let file = dir.appendingPathComponent(name)
        try code.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    @Test("a recipe printing _VERSION prints Lua 5.4")
    func version() throws {
        let (_, file) = try recipe("print(_VERSION)\n")
        let r = try CLIRunner.run(["run", file])
        #expect(r.status == 0)
        #expect(r.stdout == "Lua 5.4\n")
        #expect(r.stderr == "")
    }

    @Test("error('boom') on line 3 exits 1 with the message, :3: and a traceback on stderr")
    func error() throws {
        let (dir, _) = try recipe("local a = 1\nlocal b = 2\nerror('boom')\n")
        let r = try CLIRunner.run(["run", "recipe.lua"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: recipe.lua:3: boom\nstack traceback:"))
        #expect(r.stdout == "")
    }

    @Test("io.open and os.execute fail in the sandbox with a clear message and work with --trust", arguments: [
        "local f = io.open('/dev/null'); print(f ~= nil)",
        "print(os.execute('true'))",
    ])
    func sandbox(_ code: String) throws {
        let (_, file) = try recipe(code)
        let sandboxed = try CLIRunner.run(["run", file])
        #expect(sandboxed.status == 1)
        #expect(sandboxed.stderr.contains("is not available in the sandbox (run with --trust to allow it)"))
        let trusted = try CLIRunner.run(["run", file, "--trust"])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.hasPrefix("true"))
        let trustedFirst = try CLIRunner.run(["run", "--trust", file])
        #expect(trustedFirst.status == 0)
    }

    @Test("arguments reach the recipe as arg and ...")
    func arguments() throws {
        let (_, file) = try recipe("print(arg[0] ~= nil, #arg, arg[1], select('#', ...), (...))")
        let r = try CLIRunner.run(["run", file, "one", "two", "--", "--trust"])
        #expect(r.stdout == "true\t3\tone\t3\tone\n")
    }

    @Test("a missing recipe and a syntax error are reported in one line")
    func badInput() throws {
        let missing = try CLIRunner.run(["run", "/nonexistent/x.lua"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("cannot read recipe '/nonexistent/x.lua'"))
        let (_, file) = try recipe("local = 1\n")
        let syntax = try CLIRunner.run(["run", file])
        #expect(syntax.status == 1)
        #expect(syntax.stderr.contains("recipe.lua:1: <name> expected near '='"))
    }

    @Test("--version and --help")
    func versionAndHelp() throws {
        let v = try CLIRunner.run(["--version"])
        #expect(v.status == 0)
        #expect(!v.stdout.isEmpty)
        let h = try CLIRunner.run(["run", "--help"])
        #expect(h.stdout.contains("--trust"))
        #expect(h.stdout.contains("--log-level"))
    }

    @Test("a recipe ends with an exit code: return N, or fail(message, code) with one line and no traceback", arguments: [
        ("print('before'); return 3", Int32(3), "before\n", ""),
        ("fail('no such shot: x.blend', 'no_input')", Int32(66), "", "blendbatch: no such shot: x.blend\n"),
        ("fail('bad scene', 'data_error')", Int32(65), "", "blendbatch: bad scene\n"),
        ("fail('seven', 7)", Int32(7), "", "blendbatch: seven\n"),
        ("fail('plain')", Int32(1), "", "blendbatch: plain\n"),
    ])
    func exitCode(code: String, status: Int32, stdout: String, stderr: String) throws {
        let (_, file) = try recipe(code)
        let r = try CLIRunner.run(["run", file])
        #expect(r.status == status)
        #expect(r.stdout == stdout)
        #expect(r.stderr == stderr)
    }

    @Test("a recipe returning a number outside 0-255 is an error (exit 1)")
    func badExitCode() throws {
        let (_, file) = try recipe("return 256")
        let r = try CLIRunner.run(["run", file])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the recipe returned 256; an exit code is 0-255"), "\(r.stderr)")
    }
}

/// A job a script started but did not wait for must not outlive its controller (this process).
@Suite("blendbatch run: jobs not waited for (real Blender)", .serialized, .requires(.blender))
struct RunUnwaitedJobTests {
    @Test("a recipe that ends, or fails, without job:wait() cancels its job cleanly: one line saying so, no Blender left, the job resumable", arguments: [
        ("return 0", Int32(0)),
        ("error('boom')", Int32(1)),
    ])
    func unwaited(ending: String, status: Int32) throws {
        let dir = try CLIRunner.tempDir()
        let out = dir.path + "/out"
        let script = """
            local render = require "render"
            local job = render.submit{file = arg[1], out = arg[2], frames = "1-40", percent = 20, samples = 2}
            print(job.id)
            repeat until job:status().framesDone >= 1  -- Blender is mid-render when the script ends
            \(ending)
            """
        try script.write(to: dir.appendingPathComponent("submit.lua"), atomically: true, encoding: .utf8)
        let mark = UUID().uuidString
        let r = try CLIRunner.run(["run", "submit.lua", Binary.demo, out], environment: ["BB_TEST_MARK": mark], directory: dir)
        #expect(r.status == status, "\(r.stderr)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(r.stderr.contains("blendbatch: job \(id) was still running when the script ended: cancelling it"), "\(r.stderr)")
        #expect(r.stderr.contains("blendbatch resume \(id)"))
        #expect(Binary.marked(mark).isEmpty, "no worker or Blender outlives the script")
        #expect(Binary.frames(out).count < 40)
        let report = try CLIRunner.run(["status", id, "--out", out, "--json"])
        #expect(try Binary.json(report.stdout)["state"] as? String == "cancelled", "\(report.stdout)")
    }
}
