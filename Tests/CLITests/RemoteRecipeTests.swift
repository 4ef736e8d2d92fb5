import Foundation
import Testing

/// Recipes shared through an S3 prefix, against moto (the real S3 protocol).
@Suite("recipes from an s3:// prefix (moto)", .serialized)
struct RemoteRecipeTests {
    let moto = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"]
    let bucket = "recipes-\(UUID().uuidString.prefix(8).lowercased())"

    /// PUT through moto's REST API (moto does not check signatures, but wants an Authorization header
    /// and a non-form content type to keep the body).
    func put(_ path: String, _ body: String? = nil) throws {
        let put = try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-X", "PUT", "-H", "Content-Type: text/plain",
            "-H", "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
            "\(moto!)/\(path)"] + (body.map { ["--data-binary", $0] } ?? []))
        try #require(put.status == 0, "PUT \(path) failed")
    }

    func environment(_ home: URL) -> [String: String] {
        ["AWS_ENDPOINT_URL": moto ?? "", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
         "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
         "HOME": home.path, "XDG_CONFIG_HOME": home.path + "/config", "XDG_CACHE_HOME": home.path + "/cache",
         "BLENDBATCH_RECIPES_DIR": home.path + "/none",
         "BLENDBATCH_RECIPE_PATH": "s3://\(bucket)/recipes/"]
    }

    @Test("list and run by name from the prefix; the cache follows ETag changes; hostile stays sandboxed", .requires(.moto))
    func remote() throws {
        try put(bucket)
        try put("\(bucket)/recipes/greet.lua", "recipe { name = 'greet', description = 'v1', params = { { name = 'who', default = 'x' } } }\nlocal p = recipe {}\nprint('v1 ' .. p.who)\n")
        try put("\(bucket)/recipes/evil.lua", "recipe { name = 'evil' }\nlocal f = io.open('/etc/passwd')\n")
        let env = environment(try CLIRunner.tempDir())

        let list = try CLIRunner.run(["recipes"], environment: env)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("greet  —  v1"))
        #expect(list.stdout.contains("s3://\(bucket)/recipes/greet.lua"))

        let run = try CLIRunner.run(["run", "greet", "--who", "studio"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "v1 studio\n")
        #expect(run.stderr.contains("recipe: s3://\(bucket)/recipes/greet.lua (from path)"))

        try put("\(bucket)/recipes/greet.lua", "recipe { name = 'greet', description = 'v2' }\nprint('v2')\n")
        #expect(try CLIRunner.run(["run", "greet"], environment: env).stdout == "v2\n")
        #expect(try CLIRunner.run(["run", "s3://\(bucket)/recipes/greet.lua"], environment: env).stdout == "v2\n")

        let evil = try CLIRunner.run(["run", "evil"], environment: env)
        #expect(evil.status == 1)
        #expect(evil.stderr.contains("io.open is not available in the sandbox"))
    }

    @Test("an unreachable recipe origin is an error naming it (exit 76), never the bundled recipe; --offline runs the cache with its age", .requires(.moto))
    func failClosed() throws {
        try put(bucket)
        try put("\(bucket)/recipes/hello.lua", "recipe { name = 'hello', description = 'the studio hello' }\nprint('studio hello')\n")
        let home = try CLIRunner.tempDir()
        var env = environment(home)
        env["BLENDBATCH_RECIPES_DIR"] = CLIRunner.repoRoot.path + "/recipes"  // a bundled hello.lua stands behind it
        let url = "s3://\(bucket)/recipes/hello.lua"
        let online = try CLIRunner.run(["run", "hello"], environment: env)
        #expect(online.status == 0 && online.stdout == "studio hello\n", "\(online.stderr)")
        #expect(try CLIRunner.run(["run", url], environment: env).stdout == "studio hello\n")

        // The studio's store goes down (nothing listens on port 9).
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
        env["AWS_MAX_ATTEMPTS"] = "1"
        let byName = try CLIRunner.run(["run", "hello"], environment: env)
        #expect(byName.status == 76, "\(byName.stdout)\(byName.stderr)")
        #expect(byName.stderr.contains("recipe path s3://\(bucket)/recipes/: cannot reach it"), "\(byName.stderr)")
        #expect(!byName.stdout.contains("hello"), "the bundled recipe ran in the studio's place")
        let byURL = try CLIRunner.run(["run", url], environment: env)
        #expect(byURL.status == 76 && byURL.stderr.contains("cannot reach \(url)"), "\(byURL.stderr)")
        #expect(byURL.stdout.isEmpty, "a cached copy ran without its origin confirming it")

        for offline in [["run", "--offline", "hello"], ["run", "--offline", url]] {
            let r = try CLIRunner.run(offline, environment: env)
            #expect(r.status == 0 && r.stdout == "studio hello\n", "\(r.stderr)")
            #expect(r.stderr.contains("warning: \(url) cannot be reached; running the copy cached"), "\(r.stderr)")
            #expect(r.stderr.contains(" ago (--offline)"))
        }
        var offlineEnv = env
        offlineEnv["BLENDBATCH_OFFLINE"] = "1"
        #expect(try CLIRunner.run(["run", "hello"], environment: offlineEnv).stdout == "studio hello\n")
        // Nothing cached: offline is still an error naming the origin.
        let fresh = environment(try CLIRunner.tempDir()).merging(["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"]) { $1 }
        let uncached = try CLIRunner.run(["run", "--offline", url], environment: fresh)
        #expect(uncached.status == 76 && uncached.stderr.contains(url), "\(uncached.stderr)")
    }
}
