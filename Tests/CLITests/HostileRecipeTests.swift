import Foundation
import Testing

/// The corpus of hostile recipes in `Tests/Fixtures/hostile/`, each run sandboxed through the real
/// `blendbatch run` as a user would run a shared recipe: handed an output folder (`--out`), and given
/// the home folder and a victim folder only as strings. Each file's first line says what must happen
/// (`-- expect <exit code> <text on stderr>`); nothing outside the output folder may change, and the
/// secret never reaches the output.
@Suite("hostile recipes: the sandbox refuses every route (real binary)")
struct HostileRecipeTests {
    static let corpus = CLIRunner.repoRoot.appendingPathComponent("Tests/Fixtures/hostile")
    static let secret = "AKIA-HOSTILE-TEST-SECRET"

    static var recipes: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
    }

    /// A place to attack: `home/.aws/credentials`, `home/.config/blendbatch/recipes/`, `victim/keep.txt`,
    /// the handed `out/` with `out/link` → `victim/`, and `work/` (the current folder), with `out-siblings/`.
    struct Scene {
        let root: URL
        var home: String { root.path + "/home" }
        var victim: String { root.path + "/victim" }
        var out: String { root.path + "/out" }
        var work: URL { root.appendingPathComponent("work") }

        init() throws {
            root = try CLIRunner.tempDir()
            let fm = FileManager.default
            for folder in ["home/.aws", "home/.config/blendbatch/recipes", "victim", "out", "out-sibling", "work/.git/hooks"] {
                try fm.createDirectory(atPath: root.path + "/" + folder, withIntermediateDirectories: true)
            }
            try "[default]\naws_secret_access_key = \(HostileRecipeTests.secret)\n".write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
            try "keep me".write(toFile: victim + "/keep.txt", atomically: true, encoding: .utf8)
            try "sibling".write(toFile: root.path + "/out-sibling/private.txt", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: out + "/link", withDestinationPath: victim)
        }

        /// Every file outside `out/` with its content.
        func snapshot() -> [String: Data] {
            var files: [String: Data] = [:]
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { return files }
            for case let path as String in walker where !path.hasPrefix("out/") {
                var directory: ObjCBool = false
                let full = root.path + "/" + path
                if FileManager.default.fileExists(atPath: full, isDirectory: &directory), directory.boolValue { files[path + "/"] = Data(); continue }
                files[path] = FileManager.default.contents(atPath: full) ?? Data()
            }
            return files
        }

        func run(_ recipe: String) throws -> CLIRunner.Result {
            try CLIRunner.run(["run", HostileRecipeTests.corpus.appendingPathComponent(recipe).path,
                               "--out", out, "--home", home, "--victim", victim],
                              environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/.config", "AWS_SECRET_ACCESS_KEY": HostileRecipeTests.secret,
                                            "AWS_ACCESS_KEY_ID": "testing", "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"],
                              directory: work)
        }
    }

    /// `-- expect 77 store.read: may not read` → (77, "store.read: may not read").
    static func expectation(_ recipe: String) throws -> (code: Int32, text: String) {
        let text = try String(contentsOf: corpus.appendingPathComponent(recipe), encoding: .utf8)
        let words = (text.split(separator: "\n").first ?? "").split(separator: " ", maxSplits: 3).map(String.init)
        guard words.count == 4, words[0] == "--", words[1] == "expect", let code = Int32(words[2]) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return (code, words[3])
    }

    @Test("each hostile recipe is refused, the refusal on the first line of stderr (a Lua traceback may follow), and touches nothing outside what it was handed", arguments: recipes)
    func refused(_ recipe: String) throws {
        let expected = try Self.expectation(recipe)
        let scene = try Scene()
        let before = scene.snapshot()
        let r = try scene.run(recipe)
        #expect(r.status == expected.code, "\(recipe): \(r.stderr)")
        if expected.code != 0 {
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.contains(expected.text), "\(recipe): the refusal is not on stderr's first line: \(r.stderr)")
        }
        #expect((r.stdout + r.stderr).contains(expected.text), "\(recipe): \(r.stdout) \(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(Self.secret), "\(recipe) leaked the secret")
        #expect(scene.snapshot() == before, "\(recipe) changed files it was not handed")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
        if expected.code == 77 {
            #expect(r.stderr.hasPrefix("blendbatch: "), "\(r.stderr)")
            #expect(r.stderr.contains("--trust"), "the refusal says how to allow it: \(r.stderr)")
        }
    }

    @Test("the corpus covers every route of the issue")
    func corpusIsComplete() {
        for name in ["read_environ", "read_aws_credentials", "write_user_recipe", "delete_folder", "put_exfiltrate",
                     "recipes_run_trust", "batch_worker", "render_blender", "symlink_escape", "dotdot_escape"] {
            #expect(Self.recipes.contains(name + ".lua"), "\(name).lua is missing")
        }
    }

    @Test("what a recipe is handed it may use: its --out, store.temp() (removed when it ends), and all of it with --trust")
    func handedPlacesWork() throws {
        let scene = try Scene()
        let dir = try CLIRunner.tempDir()
        let recipe = dir.appendingPathComponent("benign.lua").path
        try """
            local p = recipe { name = "benign", params = { { name = "out", type = "path", required = true }, { name = "extra", type = "path" } } }
            local store = require "store"
            local temp = store.temp()
            assert(store.write(temp .. "/scratch.txt", "scratch"))
            assert(store.put(temp .. "/scratch.txt", p.out .. "/copied.txt"))
            assert(store.write(p.out .. "/made/deep.txt", store.read(p.out .. "/copied.txt")))
            if p.extra then print(store.read(p.extra)) end
            print(temp)
            """.write(toFile: recipe, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", recipe, "--out", scene.out], directory: scene.work)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: scene.out + "/made/deep.txt") == Data("scratch".utf8))
        let temp = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(temp.contains("blendbatch-recipe-"))
        #expect(!FileManager.default.fileExists(atPath: temp), "the temporary folder outlived the run")

        // Handing the victim file as a path parameter is what lets the recipe read it.
        let handed = try CLIRunner.run(["run", recipe, "--out", scene.out, "--extra", scene.victim + "/keep.txt"], directory: scene.work)
        #expect(handed.stdout.hasPrefix("keep me"), "\(handed.stderr)")
        // --trust gives the hostile corpus its way: the person running it decided.
        let trusted = try CLIRunner.run(["run", "--trust", Self.corpus.appendingPathComponent("read_environ.lua").path,
                                         "--out", scene.out, "--home", scene.home, "--victim", scene.victim],
                                        environment: ["BB_HOSTILE_MARK": "visible"], directory: scene.work)
        #expect(trusted.status == 0 && trusted.stdout.contains("BB_HOSTILE_MARK=visible"))
    }

    @Test("a studio configuration trusts an origin and allows a program; nothing a recipe passes raises trust")
    func studioConfiguration() throws {
        let scene = try Scene()
        let trustedFolder = try CLIRunner.tempDir()
        let config = scene.root.path + "/config.json"
        try #"{"trusted_recipes": ["\#(trustedFolder.path)"], "allowed_programs": ["/usr/bin/true"]}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        try "print(os.getenv('HOME') ~= nil)".write(to: trustedFolder.appendingPathComponent("studio.lua"), atomically: true, encoding: .utf8)
        let env = ["BLENDBATCH_CONFIG": config]
        let studio = try CLIRunner.run(["run", trustedFolder.appendingPathComponent("studio.lua").path], environment: env)
        #expect(studio.status == 0 && studio.stdout == "true\n", "\(studio.stderr)")
        // The same recipe from elsewhere stays sandboxed.
        let copy = scene.root.appendingPathComponent("studio.lua")
        try FileManager.default.copyItem(at: trustedFolder.appendingPathComponent("studio.lua"), to: copy)
        let elsewhere = try CLIRunner.run(["run", copy.path], environment: env)
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("os.getenv is not available in the sandbox"))
        // The allowed program passes the sandbox's check (then fails as a stitcher, since it is not FFmpeg).
        let recipe = scene.root.appendingPathComponent("prog.lua")
        try "local p = recipe { name = 'prog', params = { { name = 'out', type = 'path' } } }\nprint(require('stitch').video{out = p.out, frames = '1', name = 'x', ffmpeg = '/usr/bin/true'})"
            .write(to: recipe, atomically: true, encoding: .utf8)
        let allowed = try CLIRunner.run(["run", recipe.path, "--out", scene.out], environment: env)
        #expect(allowed.status == 0 && !allowed.stderr.contains("names a program"), "\(allowed.stderr)")
        let refused = try CLIRunner.run(["run", recipe.path, "--out", scene.out])
        #expect(refused.status == 77 && refused.stderr.contains("ffmpeg='/usr/bin/true' names a program"), "\(refused.stderr)")
        // A broken configuration is one line and exit 65.
        try "{\"trusted_recipe\": []}".write(toFile: config, atomically: true, encoding: .utf8)
        let broken = try CLIRunner.run(["run", recipe.path, "--out", scene.out], environment: env)
        #expect(broken.status == 65 && broken.stderr.contains("unknown setting 'trusted_recipe'"), "\(broken.stderr)")
    }
}
