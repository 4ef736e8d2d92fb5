import Foundation
import Testing

@Suite("blendbatch recipes and running recipes by name")
struct RecipesCommandTests {
    /// An isolated environment: no user config, a private cache, our own recipe folder first.
    func environment(path: String? = nil) throws -> [String: String] {
        let home = try CLIRunner.tempDir()
        var env = ["HOME": home.path, "XDG_CONFIG_HOME": home.path + "/config", "XDG_CACHE_HOME": home.path + "/cache",
                   "BLENDBATCH_RECIPES_DIR": CLIRunner.repoRoot.appendingPathComponent("recipes").path]
        if let path { env["BLENDBATCH_RECIPE_PATH"] = path }
        return env
    }

    @Test("the bundled hello recipe is listed with its origin and parameters")
    func lists() throws {
        let r = try CLIRunner.run(["recipes"], environment: try environment())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("hello  —  Print a greeting"))
        #expect(r.stdout.contains("from bundled:"))
        #expect(r.stdout.contains("--times <int>"))
        let json = try CLIRunner.run(["recipes", "list", "--json"], environment: try environment())
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.contains { $0["name"] as? String == "hello" && $0["origin"] as? String == "bundled" } == true)
    }

    @Test("declared parameters are real options: values, validation, --help")
    func runsWithParameters() throws {
        let env = try environment()
        let r = try CLIRunner.run(["run", "hello", "--name", "studio", "--times", "2", "--shout"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("HELLO, STUDIO\nHELLO, STUDIO\nblendbatch "))
        let bad = try CLIRunner.run(["run", "hello", "--times", "many"], environment: env)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--times expects an integer, got 'many'"))
        let unknown = try CLIRunner.run(["run", "hello", "--colour", "red"], environment: env)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("has no parameter --colour; it accepts: --name <text>, --times <int>, --shout"))
        let help = try CLIRunner.run(["run", "hello", "--help"], environment: env)
        #expect(help.status == 0)
        #expect(help.stdout.contains("--times <int>"))
        #expect(help.stdout.contains("how many greetings (int, default: 1)"))
    }

    @Test("recipes new writes a starter that checks and runs; check reports bad files")
    func newAndCheck() throws {
        let dir = try CLIRunner.tempDir()
        let env = try environment()
        let made = try CLIRunner.run(["recipes", "new", "sweep", "--out", dir.path], environment: env)
        #expect(made.status == 0, "\(made.stderr)")
        let file = dir.appendingPathComponent("sweep.lua").path
        #expect(FileManager.default.fileExists(atPath: file))
        let check = try CLIRunner.run(["recipes", "check", file], environment: env)
        #expect(check.stdout == "ok: sweep — 1 parameter(s)\n")
        let run = try CLIRunner.run(["run", file, "--message", "hi there"], environment: env)
        #expect(run.stdout == "hi there\n")
        let again = try CLIRunner.run(["recipes", "new", "sweep", "--out", dir.path], environment: env)
        #expect(again.status == 64)

        try "recipe { name = 'x' }\nlocal = 1\n".write(toFile: dir.path + "/bad.lua", atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["recipes", "check", dir.path + "/bad.lua"], environment: env)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.lua:2:"))
    }

    @Test("BLENDBATCH_RECIPE_PATH folders come first; a hostile recipe from the path stays sandboxed")
    func recipePath() throws {
        let dir = try CLIRunner.tempDir()
        try "recipe { name = 'hello', description = 'studio override' }\nprint('studio hello')\n"
            .write(toFile: dir.path + "/hello.lua", atomically: true, encoding: .utf8)
        try "recipe { name = 'evil', description = 'tries to escape' }\nos.execute('touch \(dir.path)/pwned')\n"
            .write(toFile: dir.path + "/evil.lua", atomically: true, encoding: .utf8)
        let env = try environment(path: dir.path)
        #expect(try CLIRunner.run(["run", "hello"], environment: env).stdout == "studio hello\n")
        let list = try CLIRunner.run(["recipes"], environment: env)
        #expect(list.stdout.contains("studio override"))
        #expect(list.stdout.contains("(hidden by an earlier one)"))
        let evil = try CLIRunner.run(["run", "evil"], environment: env)
        #expect(evil.status == 1)
        #expect(evil.stderr.contains("os.execute is not available in the sandbox"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/pwned"))
        let missing = try CLIRunner.run(["run", "nosuch"], environment: env)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no recipe named 'nosuch'"))
    }
}
