import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `blendbatch store …` driven through the built binary against moto and temp folders.
@Suite("blendbatch store", .serialized)
struct StoreCommandTests {
    static let moto = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Run the CLI with moto credentials and nothing else of this environment (no real AWS config is read).
    func run(_ arguments: [String], env extra: [String: String] = [:]) throws -> CLIRunner.Result {
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret-value", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_MAX_ATTEMPTS": "2"]
        if let moto = Self.moto { env["AWS_ENDPOINT_URL"] = moto }
        return try CLIRunner.run(arguments, environment: env.merging(extra) { $1 }, inherit: false)
    }

    func tempFolder() throws -> String {
        let path = NSTemporaryDirectory() + "store-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A bucket made through moto's S3 (unsigned requests route to S3).
    func makeBucket() throws -> String {
        let name = "cli-\(UUID().uuidString.prefix(8).lowercased())"
        let url = try #require(Self.moto)
        var request = URLRequest(url: URL(string: "\(url)/\(name)")!)
        request.httpMethod = "PUT"
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
        done.wait()
        return name
    }

    @Test("cp up and down, ls, cat, rm --recursive", .requires(.moto))
    func roundTrip() throws {
        let bucket = try makeBucket()
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/src/sub", withIntermediateDirectories: true)
        try "one".write(toFile: folder + "/src/a.txt", atomically: true, encoding: .utf8)
        try "two".write(toFile: folder + "/src/sub/b.txt", atomically: true, encoding: .utf8)

        let up = try run(["store", "cp", "--recursive", folder + "/src", "s3://\(bucket)/job/"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.hasPrefix("copied 2 objects"))
        let single = try run(["store", "cp", folder + "/src/a.txt", "s3://\(bucket)/single/"])
        #expect(single.status == 0, "\(single.stderr)")

        let ls = try run(["store", "ls", "s3://\(bucket)/job/"])
        #expect(ls.status == 0)
        #expect(ls.stdout.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" } == ["job/a.txt", "job/sub/b.txt"])
        let json = try run(["store", "ls", "--json", "s3://\(bucket)/"])
        #expect(json.stdout.contains("\"single/a.txt\""))

        let cat = try run(["store", "cat", "s3://\(bucket)/job/sub/b.txt"])
        #expect(cat.status == 0)
        #expect(cat.stdout == "two")

        let down = try run(["store", "cp", "-r", "s3://\(bucket)/job", folder + "/dst"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try String(contentsOfFile: folder + "/dst/sub/b.txt", encoding: .utf8) == "two")

        let rm = try run(["store", "rm", "--recursive", "s3://\(bucket)/job/"])
        #expect(rm.status == 0)
        #expect(rm.stdout.hasPrefix("removed 2 objects"))
        #expect(try run(["store", "ls", "s3://\(bucket)/job/"]).stdout.isEmpty)
    }

    @Test("errors: one line naming the URL and the code, distinct exit codes, no secrets", .requires(.moto))
    func errors() throws {
        let bucket = try makeBucket()
        let missingKey = try run(["store", "cat", "s3://\(bucket)/nope.txt"])
        #expect(missingKey.status == 66)
        #expect(missingKey.stderr == "blendbatch: s3://\(bucket)/nope.txt: no such object\n")

        let missingBucket = try run(["store", "ls", "s3://no-such-bucket-cli/"])
        #expect(missingBucket.status == 76)
        #expect(missingBucket.stderr.hasPrefix("blendbatch: s3://no-such-bucket-cli/: NoSuchBucket"))
        #expect(missingBucket.stderr.split(separator: "\n").count == 1)

        let unreachable = try run(["store", "cat", "s3://b/k"], env: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
        #expect(unreachable.status == 76)
        #expect(unreachable.stderr.contains("cannot reach http://127.0.0.1:9"))
        for result in [missingKey, missingBucket, unreachable] { #expect(!result.stderr.contains("testing-secret-value")) }
    }

    @Test("local errors: missing file, folder without --recursive, bad scheme")
    func localErrors() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try run(["store", "cp", folder + "/nope.blend", folder + "/out.blend"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains(folder + "/nope.blend"))
        let dir = try run(["store", "cp", folder, folder + "/x"])
        #expect(dir.status == 64)
        #expect(dir.stderr.contains("--recursive"))
        let scheme = try run(["store", "ls", "gs://bucket/x"])
        #expect(scheme.status == 64)
        #expect(scheme.stderr.contains("unsupported scheme"))
        try "local".write(toFile: folder + "/a.txt", atomically: true, encoding: .utf8)
        let copy = try run(["store", "cp", folder + "/a.txt", folder + "/b.txt"])
        #expect(copy.status == 0)
        #expect(try String(contentsOfFile: folder + "/b.txt", encoding: .utf8) == "local")
    }

    @Test("cp -r skips the empty folder markers the S3 console makes (p/sub/) and copies the rest", .requires(.moto))
    func folderMarkers() throws {
        let bucket = try makeBucket()
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "one".write(toFile: folder + "/a.txt", atomically: true, encoding: .utf8)
        #expect(try run(["store", "cp", folder + "/a.txt", "s3://\(bucket)/p/sub/a.txt"]).status == 0)
        for marker in ["p/", "p/sub/", "p/empty/"] {   // zero-byte keys ending in '/', unsigned PUTs to moto
            var request = URLRequest(url: URL(string: "\(try #require(Self.moto))/\(bucket)/\(marker)")!)
            request.httpMethod = "PUT"
            request.httpBody = Data()
            let done = DispatchSemaphore(value: 0)
            URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
            done.wait()
        }
        #expect(try run(["store", "ls", "s3://\(bucket)/p/"]).stdout.contains("p/empty/"), "the markers are there")
        let down = try run(["store", "cp", "-r", "s3://\(bucket)/p", folder + "/dst"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.hasPrefix("copied 1 object "), "\(down.stdout)")
        #expect(try String(contentsOfFile: folder + "/dst/sub/a.txt", encoding: .utf8) == "one")
    }

    @Test("a local write that fails (a file where a folder should be) exits 74 with one line, no Foundation error dump")
    func localWriteFails() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "one".write(toFile: folder + "/a.txt", atomically: true, encoding: .utf8)
        let blocked = try run(["store", "cp", folder + "/a.txt", folder + "/a.txt/sub/b.txt"])
        #expect(blocked.status == 74, "\(blocked.stderr)")
        #expect(blocked.stderr.split(separator: "\n").count == 1, "\(blocked.stderr)")
        #expect(blocked.stderr.hasPrefix("blendbatch: \(folder)/a.txt/sub: "), "\(blocked.stderr)")
        #expect(!blocked.stderr.contains("Error Domain") && !blocked.stderr.contains("NSCocoa"), "\(blocked.stderr)")
    }

    @Test("a copy onto a full disk (a 16 KiB tmpfs) exits 74 with one line and leaves no partial file", .requires(.tmpfs))
    func copyOntoFullDisk() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let disk = try TinyDisk.mount(kilobytes: 16)
        defer { TinyDisk.unmount(disk) }
        _ = FileManager.default.createFile(atPath: folder + "/big.bin", contents: Data(count: 256 << 10))
        let full = try run(["store", "cp", folder + "/big.bin", disk + "/big.bin"])
        #expect(full.status == 74, "\(full.stderr)")
        #expect(full.stderr == "blendbatch: \(disk)/big.bin: No space left on device\n", "\(full.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: disk)) == [], "a partial file was left")
    }

    @Test("ls leaves out keys with a part starting with '.' (the job records under .blendbatch/) unless --all")
    func listHidesDotParts() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["frame_0001.png", "sub/frame_0002.png", ".blendbatch/jobs/j1/manifest.json", "sub/.hidden"] {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "x".write(toFile: path, atomically: true, encoding: .utf8)
        }
        func keys(_ arguments: [String]) throws -> [String] {
            let r = try run(["store", "ls"] + arguments)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").map { String($0.split(separator: " ").last ?? "") }.sorted()
        }
        #expect(try keys([folder]) == ["frame_0001.png", "sub/frame_0002.png"])
        #expect(try keys([folder, "--all"]) == [".blendbatch/jobs/j1/manifest.json", "frame_0001.png", "sub/.hidden", "sub/frame_0002.png"])
        #expect(try keys([folder + "/.blendbatch"]) == ["jobs/j1/manifest.json"], "a hidden folder asked for by name is listed")
    }
}
