import Foundation
import Testing

/// Drives the built `blendbatch info` binary.
@Suite("blendbatch info")
struct InfoCommandTests {
    static let data = blendBat()

    func info(_ args: [String]) throws -> CLIRunner.Result { try CLIRunner.run(["info"] + args) }

    func file(_ name: String) -> String { "\(Self.data)/\(name)" }

    @Test("a compositor File Output node (made by a real Blender) is named in a warning and in the JSON; a muted one is not")
    func compositorFileOutput() throws {
        let folder = Binary.folder("compositor")
        let blend = folder + "/comp.blend"
        try TexturedScene.tool(["blender", "-b", "--factory-startup", "--python-expr", """
            import bpy
            scene = bpy.context.scene
            scene.use_nodes = True
            tree = scene.node_tree
            passes = tree.nodes.new('CompositorNodeOutputFile')
            passes.base_path = '/tmp/elsewhere/passes_'
            tree.links.new(tree.nodes['Render Layers'].outputs['Image'], passes.inputs[0])
            muted = tree.nodes.new('CompositorNodeOutputFile')
            muted.base_path = '//muted/'
            muted.mute = True
            bpy.ops.wm.save_as_mainfile(filepath='\(blend)')
            """])
        let r = try info([blend])
        #expect(r.status == 0)
        let warnings = r.stderr.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].contains("compositor File Output node writes to /tmp/elsewhere/passes_, outside --out"),
                "\(r.stderr)")
        let json = try info([blend, "--json"])
        let scene = try #require((try Binary.json(json.stdout)["scenes"] as? [[String: Any]])?.first)
        #expect(scene["compositor_outputs"] as? [String] == ["/tmp/elsewhere/passes_"])
        #expect(try info([file("udim_v01_UDIM_BAT_debugging.blend")]).stderr.isEmpty, "no warning without File Output nodes")
    }

    @Test("readable summary by default")
    func summary() throws {
        let r = try info([file("udim_v01_UDIM_BAT_debugging.blend")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Blender 3.2, zstd, 64-bit little-endian"))
        #expect(r.stdout.contains("Scene 'Scene' (active)"))
        #expect(r.stdout.contains("frames      1-250 (250 frames)"))
        #expect(r.stdout.contains("resolution  1920x1080 at 100% = 1920x1080"))
        #expect(r.stdout.contains("engine      BLENDER_EEVEE"))
        #expect(r.stdout.contains("camera      Camera"))
        #expect(r.stdout.contains("//cube_UDIM.color.<UDIM>.png (udim)"))
        #expect(r.stderr.isEmpty)
    }

    @Test("--json prints the issue's shape for one file")
    func json() throws {
        let r = try info([file("basic_file.blend"), "--json"])
        #expect(r.status == 0)
        let obj = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["blender_version"] as? String == "2.79")
        #expect(obj["compression"] as? String == "none")
        #expect(obj["pointer_size"] as? Int == 8)
        #expect(obj["endianness"] as? String == "little")
        #expect(obj["active_scene"] as? String == "Scene")
        let scene = try #require((obj["scenes"] as? [[String: Any]])?.first)
        #expect(scene["frame_end"] as? Int == 250)
        #expect(scene["resolution_percentage"] as? Int == 50)
        #expect(scene["file_format"] as? String == "FFMPEG")
        #expect(scene["frame_rate"] as? Double == 24)
    }

    @Test("several files print a JSON array; a bad one becomes an error entry and exit 65")
    func several() throws {
        let r = try info([file("basic_file.blend"), file("basic_file_zstandard.blend"), file("corrupt_only_magic.blend"), "--json"])
        #expect(r.status == 65)
        let arr = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(arr.count == 3)
        #expect(arr[1]["compression"] as? String == "zstd")
        #expect(arr[2]["exit_code"] as? Int == 65)
        #expect((arr[2]["error"] as? String)?.contains("no DNA1 block") == true)
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test("--scene picks one scene; an unknown scene is exit 65 naming the scenes")
    func scene() throws {
        let ok = try info([file("basic_file.blend"), "--scene", "Scene", "--json"])
        #expect(ok.status == 0)
        let bad = try info([file("basic_file.blend"), "--scene", "Nope"])
        #expect(bad.status == 65)
        #expect(bad.stderr == "blendbatch: \(file("basic_file.blend")): no scene named 'Nope' (scenes: 'Scene')\n")
        #expect(bad.stdout.isEmpty)
    }

    @Test("corrupt file: one line on stderr, exit 65, nothing on stdout")
    func corrupt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("info-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file("basic_file.blend")))
        let cut = dir.appendingPathComponent("shot.blend")
        try bytes.prefix(80).write(to: cut)
        let r = try info([cut.path, "--json"])
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "blendbatch: \(cut.path): truncated inside block REND at offset 12\n")
        let text = dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        let t = try info([text.path])
        #expect(t.status == 65)
        #expect(t.stderr.contains("not a .blend file"))
    }

    @Test("missing file: exit 66")
    func missing() throws {
        let r = try info(["/nonexistent/shot.blend"])
        #expect(r.status == 66)
        #expect(r.stderr == "blendbatch: /nonexistent/shot.blend: cannot open: No such file or directory\n")
    }

    @Test("file:// URLs are accepted")
    func fileURL() throws {
        let r = try info(["file://" + file("basic_file.blend"), "--json"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"active_scene\" : \"Scene\""))
    }

    @Test("a relative file:// URL is a usage error (64) saying how to write it")
    func relativeFileURL() throws {
        let r = try info(["file://shots/a.blend"])
        #expect(r.status == 64)
        #expect(r.stderr == "blendbatch: file://shots/a.blend: file:// URLs need an absolute path (file:///abs/path)\n")
    }
}

/// `blendbatch info s3://…` against moto (BLENDBATCH_MOTO_URL; scripts/test starts it).
@Suite("blendbatch info on S3 (moto)", .serialized)
struct InfoCommandS3Tests {
    static let moto = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"]

    @Test("info s3://bucket/key and Lua blend.info read it where it is; a missing key is exit 66 / no_input", .requires(.moto))
    func s3() throws {
        let moto = try #require(Self.moto)
        let bucket = "info-\(UUID().uuidString.prefix(8).lowercased())"
        let file = "\(InfoCommandTests.data)/basic_file_zstandard.blend"
        #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-X", "PUT", "\(moto)/\(bucket)"]).status == 0)
        #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-T", file, "\(moto)/\(bucket)/shots/shot.blend"]).status == 0)
        let env = ["AWS_ENDPOINT_URL": moto, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let found = try CLIRunner.run(["info", "s3://\(bucket)/shots/shot.blend", "--json"], environment: env)
        #expect(found.status == 0, "\(found.stderr)")
        let obj = try #require(JSONSerialization.jsonObject(with: found.stdoutData) as? [String: Any])
        #expect(obj["file"] as? String == "s3://\(bucket)/shots/shot.blend")
        #expect(obj["compression"] as? String == "zstd" && obj["active_scene"] as? String == "Scene")
        let missing = try CLIRunner.run(["info", "s3://\(bucket)/nope.blend"], environment: env)
        #expect(missing.status == 66)
        #expect(missing.stderr == "blendbatch: s3://\(bucket)/nope.blend: no such object\n")

        // The Lua face: blend.info on the same URLs, through `blendbatch run`.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("blend-s3-\(bucket).lua")
        defer { try? FileManager.default.removeItem(at: script) }
        try Data("""
            local blend = require "blend"
            local i = assert(blend.info("s3://\(bucket)/shots/shot.blend"))
            print(i.compression, i.scene.frame_end)
            print(blend.info("s3://\(bucket)/nope.blend"))
            """.utf8).write(to: script)
        let lua = try CLIRunner.run(["run", "--trust", script.path], environment: env)
        #expect(lua.status == 0, "\(lua.stderr)")
        #expect(lua.stdout == "zstd\t250\nnil\ts3://\(bucket)/nope.blend: no such object\tno_input\n")
    }

    /// `basic_file.blend` with `megabytes` MiB of DATA blocks of `blockMegabytes` inserted before
    /// DNA1 (as scripts/bench/blend-info makes its big file): blocks the reader seeks past, as it
    /// does a packed image or a large mesh.
    static func bigBlend(megabytes: Int, blockMegabytes: Int, to path: String) throws {
        let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(InfoCommandTests.data)/basic_file.blend")))
        func le(_ o: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) } }
        var o = 12
        while !b[o..<o + 4].elementsEqual("DNA1".utf8) { o += 24 + le(o + 4) }
        let chunk = blockMegabytes << 20
        let payload = [UInt8]((0..<chunk).map { UInt8(truncatingIfNeeded: $0) })
        FileManager.default.createFile(atPath: path, contents: Data(b[..<o]))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        for i in 0..<megabytes / blockMegabytes {
            var header = Array("DATA".utf8)
            header += withUnsafeBytes(of: Int32(chunk).littleEndian, Array.init)
            header += withUnsafeBytes(of: (UInt64(0x7F00_0000_0000) + UInt64(i * chunk)).littleEndian, Array.init)
            header += withUnsafeBytes(of: Int32(0).littleEndian, Array.init) + withUnsafeBytes(of: Int32(1).littleEndian, Array.init)
            try handle.write(contentsOf: Data(header + payload))
        }
        try handle.write(contentsOf: Data(b[o...]))
    }

    @Test("info s3:// reads a 64 MiB .blend with ranged GETs of under 2 % of it; gzip and zstd too; results equal local ones",
          .requires(.moto))
    func rangedReads() throws {
        let moto = try #require(Self.moto)
        let bucket = "info-ranged-\(UUID().uuidString.prefix(8).lowercased())"
        let big = FileManager.default.temporaryDirectory.path + "/\(bucket)-big.blend"
        defer { try? FileManager.default.removeItem(atPath: big) }
        // moto reads a whole object for every ranged GET (300 ms at 64 MiB here): few, large blocks.
        try Self.bigBlend(megabytes: 64, blockMegabytes: 16, to: big)
        #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-X", "PUT", "\(moto)/\(bucket)"]).status == 0)
        let env = ["AWS_ENDPOINT_URL": moto, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let files = [big, "\(InfoCommandTests.data)/basic_file_compressed.blend", "\(InfoCommandTests.data)/basic_file_zstandard.blend",
                     "\(InfoCommandTests.data)/with_sequencer.blend"]
        defer {  // moto keeps objects in memory: leave no 64 MiB behind
            for index in files.indices { _ = try? CLIRunner.runTool("/usr/bin/curl", ["-s", "-X", "DELETE", "\(moto)/\(bucket)/f\(index).blend"]) }
        }
        for (index, local) in files.enumerated() {
            let url = "s3://\(bucket)/f\(index).blend"
            #expect(try CLIRunner.runTool("/usr/bin/curl", ["-sf", "-T", local, "\(moto)/\(bucket)/f\(index).blend"]).status == 0)
            let remote = try CLIRunner.run(["info", url, "--json", "--log-level", "debug"], environment: env)
            let here = try CLIRunner.run(["info", local, "--json"])
            #expect(remote.status == 0 && here.status == 0, "\(remote.stderr)")
            var a = try #require(JSONSerialization.jsonObject(with: remote.stdoutData) as? [String: Any])
            var b = try #require(JSONSerialization.jsonObject(with: here.stdoutData) as? [String: Any])
            #expect(a.removeValue(forKey: "file") as? String == url)
            b.removeValue(forKey: "file")
            #expect(NSDictionary(dictionary: a).isEqual(to: b), "\(local)")
            // "s3://…: read N of M bytes (P %) in K ranged GETs and 1 HEAD"
            let line = try #require(remote.stderr.split(separator: "\n").first { $0.contains("ranged GETs") }, "\(remote.stderr)")
            let words = line.split(separator: " ")
            let at = try #require(words.firstIndex(of: "read"))
            let read = try #require(Int(words[at + 1])), size = try #require(Int(words[at + 3]))
            #expect(size == (try FileManager.default.attributesOfItem(atPath: local)[.size] as? Int))
            // Small files: the whole object at most, and the few windows read twice (header, seek table).
            if local == big { #expect(read * 50 < size, "\(line)") } else { #expect(read <= size + 16 << 10, "\(line)") }
        }
    }
}
