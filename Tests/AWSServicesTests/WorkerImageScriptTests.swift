import Foundation
import Testing

/// scripts/aws/build-image and the Dockerfile: images per Blender version, their checksums, their job definitions.
/// The binary build and curl are stand-ins (a `swift` and a `curl` on PATH); `--dry-run` prints what would run.
@Suite("Worker image per Blender version (scripts/aws/build-image --dry-run)")
struct WorkerImageScriptTests {
    let script = repositoryRoot.appendingPathComponent("scripts/aws/build-image").path
    let repository = "123456789012.dkr.ecr.us-east-1.amazonaws.com/bb"
    let hash = String(repeating: "ab", count: 32)

    /// Run build-image with stand-ins for swift (a fake binary) and curl (fails: no published checksum reachable).
    func buildImage(_ arguments: [String]) throws -> CLIRunner.Result {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("awsimg-standins-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        let stand = [("swift", "case \"$*\" in *show-bin-path*) echo \(bin.path) ;; esac"), ("curl", "exit 22"), ("blendbatch", "exit 0")]
        for (name, body) in stand {
            let url = bin.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let environment = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                           "BLENDBATCH_STACK": "studio"]
        return try CLIRunner.runTool(script, arguments + ["--repository", repository, "--dry-run"], environment: environment)
    }

    @Test("--blender 5.0.1 with its checksum: build args, tags blender-5.0.1 and blender-5.0, pushes, CPU and GPU job definitions recording 5.0.1")
    func releaseImage() throws {
        let result = try buildImage(["--blender", "5.0.1", "--blender-sha256", hash, "--push", "--job-role-arn", "arn:aws:iam::1:role/job"])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let build = try #require(lines.first { $0.contains("docker build") })
        #expect(build.contains("--build-arg BLENDER_VERSION=5.0.1 --build-arg BLENDER_SOURCE=release --build-arg BLENDER_SHA256=\(hash)"))
        #expect(build.contains("-t \(repository):blender-5.0.1 -t \(repository):blender-5.0 "))
        #expect(lines.contains("docker push \(repository):blender-5.0.1") && lines.contains("docker push \(repository):blender-5.0"))
        let register = lines.filter { $0.contains("aws register-job-definition") }
        #expect(register.count == 2)
        #expect(register.first?.hasSuffix("--image \(repository):blender-5.0.1 --name studio-worker-blender-5-0 --blender-version 5.0.1 "
                                          + "--gpus 0 --job-role-arn arn:aws:iam::1:role/job") == true, "\(register)")
        #expect(register.last?.contains("--name studio-worker-blender-5-0-gpu --blender-version 5.0.1 --gpus 1") == true)
    }

    @Test("--pypi builds bpy==X without a checksum; the tags are the same")
    func pypiImage() throws {
        let result = try buildImage(["--blender", "4.2.9", "--pypi", "--tag", "ci"])
        #expect(result.status == 0, "\(result.output)")
        let build = try #require(result.output.split(separator: "\n").first { $0.contains("docker build") })
        #expect(build.contains("--build-arg BLENDER_VERSION=4.2.9 --build-arg BLENDER_SOURCE=pypi -t"))
        #expect(!build.contains("BLENDER_SHA256"))
        #expect(build.contains("-t \(repository):blender-4.2.9 -t \(repository):blender-4.2 -t \(repository):ci "))
    }

    @Test("no checksum, no image: an unreadable published .sha256 is 69; a bad version or hash is 64")
    func failsClosed() throws {
        let unreadable = try buildImage(["--blender", "5.0.1"])
        #expect(unreadable.status == 69)
        #expect(unreadable.output.contains("cannot read the checksum of blender-5.0.1-linux-x64.tar.xz from "
                                           + "https://download.blender.org/release/Blender5.0/blender-5.0.1.sha256"), "\(unreadable.output)")
        #expect(!unreadable.output.contains("docker build"))
        #expect(try buildImage(["--blender", "5.0"]).status == 64)
        #expect(try buildImage(["--blender", "5.0.1", "--blender-sha256", "abc"]).status == 64)
        #expect(try buildImage(["--register"]).status == 64)
    }

    @Test("the default Blender is the same release in the Dockerfile, build-image and stack.yaml")
    func oneDefault() throws {
        func text(_ path: String) throws -> String { try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8) }
        func values(_ text: String, after prefix: String) -> Set<String> {
            Set(text.split(separator: "\n").compactMap { line in
                line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) : nil
            })
        }
        let dockerfile = values(try text("scripts/aws/Dockerfile"), after: "ARG BLENDER_VERSION=")
        let script = values(try text("scripts/aws/build-image"), after: "BLENDER_DEFAULT=")
        let stack = try text("scripts/aws/stack.yaml")
        #expect(dockerfile.count == 1 && dockerfile == script, "\(dockerfile) \(script)")
        let parameter = try #require(stack.range(of: "  BlenderVersion:\n    Type: String\n    Default: "))
        #expect(script.contains(String(stack[parameter.upperBound...].prefix { $0 != "\n" })))
    }
}
