import Foundation
import Testing
@testable import BlendFile

/// One row of the oracle table (blend-format.md §8.2, testdata NOTICE).
struct RealFile: Sendable, CustomTestStringConvertible {
    let name: String, version: String, compression: Compression, frameEnd: Int
    let resolution: (Int, Int), percent: Int, engine: String, format: String, camera: String?
    var testDescription: String { name }
}

let realFiles: [RealFile] = [
    .init(name: "basic_file.blend", version: "2.79", compression: .none, frameEnd: 250, resolution: (1920, 1080), percent: 50, engine: "CYCLES", format: "FFMPEG", camera: nil),
    .init(name: "basic_file_compressed.blend", version: "2.79", compression: .gzip, frameEnd: 250, resolution: (1920, 1080), percent: 50, engine: "CYCLES", format: "FFMPEG", camera: nil),
    .init(name: "T55539-particles_particle.blend", version: "2.79", compression: .gzip, frameEnd: 250, resolution: (1920, 1080), percent: 50, engine: "BLENDER_RENDER", format: "PNG", camera: "Camera"),
    .init(name: "with_sequencer.blend", version: "2.79", compression: .none, frameEnd: 45, resolution: (1920, 1080), percent: 50, engine: "CYCLES", format: "FFMPEG", camera: nil),
    .init(name: "absolute_path.blend", version: "2.80", compression: .none, frameEnd: 250, resolution: (1920, 1080), percent: 100, engine: "BLENDER_EEVEE", format: "PNG", camera: nil),
    .init(name: "geometry-nodes_file_to_pack.blend", version: "2.93", compression: .none, frameEnd: 250, resolution: (2048, 858), percent: 100, engine: "CYCLES", format: "PNG", camera: "Camera"),
    .init(name: "basic_file_compressed_zstd.blend", version: "3.0", compression: .zstd, frameEnd: 250, resolution: (1920, 1080), percent: 50, engine: "CYCLES", format: "FFMPEG", camera: nil),
    .init(name: "geometry-nodes-2_shot_file.blend", version: "3.0", compression: .none, frameEnd: 250, resolution: (2048, 858), percent: 100, engine: "CYCLES", format: "PNG", camera: nil),
    .init(name: "basic_file_zstandard.blend", version: "3.1", compression: .zstd, frameEnd: 250, resolution: (1920, 1080), percent: 50, engine: "CYCLES", format: "FFMPEG", camera: nil),
    .init(name: "udim_v01_UDIM_BAT_debugging.blend", version: "3.2", compression: .zstd, frameEnd: 250, resolution: (1920, 1080), percent: 100, engine: "BLENDER_EEVEE", format: "PNG", camera: "Camera"),
]

@Suite("Real files written by Blender 2.79–3.02")
struct RealFileTests {
    @Test("reads the oracle values of each BAT fixture", arguments: realFiles)
    func oracle(_ f: RealFile) throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat(f.name))
        #expect(info.blenderVersion == f.version)
        #expect(info.compression == f.compression)
        #expect(info.pointerSize == 8)
        #expect(info.endianness == .little)
        #expect(info.headerFormat == 0)
        #expect(info.activeScene == "Scene")
        let s = try #require(info.scene)
        #expect(s.name == "Scene")
        #expect(s.frameStart == 1 && s.frameEnd == f.frameEnd && s.frameStep == 1)
        #expect(s.fps == 24 && s.fpsBase == 1.0 && s.frameRate == 24.0)
        #expect(s.resolutionX == f.resolution.0 && s.resolutionY == f.resolution.1)
        #expect(s.resolutionPercentage == f.percent)
        #expect(s.engine == f.engine)
        #expect(s.outputPath == "/tmp/")
        #expect(s.fileFormat == f.format)
        #expect(s.camera == f.camera)
    }

    @Test("the file name in errors and results is the one given")
    func displayName() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("basic_file.blend"), name: "s3://b/shot.blend")
        #expect(info.file == "s3://b/shot.blend")
    }

    @Test("UDIM image dependency keeps its <UDIM> token and relative path")
    func udim() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("udim_v01_UDIM_BAT_debugging.blend"))
        #expect(info.dependencies.contains(Dependency(kind: .image, path: "//cube_UDIM.color.<UDIM>.png", nature: .udim)))
    }

    @Test("linked library path is reported as stored")
    func library() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("linked_cube.blend"))
        #expect(info.dependencies.contains(Dependency(kind: .library, path: "//basic_file.blend")))
    }

    @Test("sequencer image strips are dependencies")
    func sequencer() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("image_sequencer.blend"))
        #expect(info.dependencies.contains { $0.kind == .sequencerStrip })
    }

    @Test("absolute image paths are kept absolute")
    func absolutePath() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("absolute_path.blend"))
        #expect(info.dependencies.contains { $0.kind == .image && $0.path.hasPrefix("/") })
    }

    @Test("gzip, zstd and uncompressed copies of one scene read the same")
    func compressionsAgree() throws {
        var plain = try BlendFileReader.read(path: TestFiles.blendBat("basic_file.blend")).scenes
        let gz = try BlendFileReader.read(path: TestFiles.blendBat("basic_file_compressed.blend")).scenes
        #expect(plain == gz)
        plain[0].frameCurrent = nil
        var zs = try BlendFileReader.read(path: TestFiles.blendBat("basic_file_compressed_zstd.blend")).scenes
        zs[0].frameCurrent = nil
        #expect(plain == zs)
    }

    @Test("in-memory and on-disk reads agree")
    func inMemory() throws {
        for name in ["basic_file.blend", "basic_file_compressed.blend", "basic_file_zstandard.blend"] {
            let disk = try BlendFileReader.read(path: TestFiles.blendBat(name), name: name)
            let memory = try BlendFileReader.read(bytes: TestFiles.bytes(name), name: name)
            #expect(disk == memory)
        }
    }

    @Test("JSON uses the issue's snake_case keys, null for no camera")
    func json() throws {
        let info = try BlendFileReader.read(path: TestFiles.blendBat("basic_file.blend"), name: "shot.blend")
        let obj = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(info)) as? [String: Any])
        for key in ["file", "blender_version", "compression", "pointer_size", "endianness", "active_scene", "scenes", "dependencies"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        let scene = try #require((obj["scenes"] as? [[String: Any]])?.first)
        for key in ["name", "frame_start", "frame_end", "frame_step", "fps", "fps_base", "frame_rate",
                    "resolution_x", "resolution_y", "resolution_percentage", "engine", "output_path", "file_format", "camera"] {
            #expect(scene[key] != nil, "missing \(key)")
        }
        #expect(scene["camera"] is NSNull)
        let back = try JSONDecoder().decode(BlendInfo.self, from: JSONEncoder().encode(info))
        #expect(back == info)
    }
}

@Suite("Synthetic files: layouts the installed Blender cannot write")
struct SyntheticFileTests {
    static let layouts: [(Int, Bool, Int)] = [(8, true, 0), (4, true, 0), (8, false, 0), (4, false, 0), (8, true, 1)]

    @Test("pointer size × endianness × header format", arguments: 0..<5)
    func layout(_ i: Int) throws {
        let (ptr, little, format) = Self.layouts[i]
        let bytes = SyntheticBlend.typical(pointerSize: ptr, littleEndian: little, format: format,
                                           version: format == 1 ? 500 : 279)
        let info = try BlendFileReader.read(bytes: bytes, name: "synthetic.blend")
        #expect(info.pointerSize == ptr)
        #expect(info.endianness == (little ? .little : .big))
        #expect(info.headerFormat == format)
        #expect(info.blenderVersion == (format == 1 ? "5.0" : "2.79"))
        #expect(info.fileSubversion == 7)
        #expect(info.scenes.map(\.name) == ["Layout", "Shot"])
        #expect(info.activeScene == "Shot")
        let s = try #require(info.scene)
        #expect(s.frameStart == 3 && s.frameEnd == 97 && s.frameStep == 2 && s.frameCurrent == 5)
        #expect(s.fps == 30 && s.fpsBase == 1.001)
        #expect(abs(s.frameRate - 29.97003) < 0.0001)
        #expect(s.resolutionX == 1280 && s.resolutionY == 720 && s.resolutionPercentage == 50)
        #expect(s.engine == "CYCLES" && s.outputPath == "//render/shot_####" && s.fileFormat == "OPEN_EXR")
        #expect(s.camera == "ShotCam")
        let layout = try #require(info.scene(named: "Layout"))
        #expect(layout.camera == nil && layout.fileFormat == "PNG" && layout.engine == "BLENDER_WORKBENCH")
        #expect(info.dependencies == [
            Dependency(kind: .image, path: "//tex/wood.png"),
            Dependency(kind: .image, path: "//tex/t.<UDIM>.png", nature: .udim),
            Dependency(kind: .library, path: "//props.blend"),
            Dependency(kind: .sequencerStrip, path: "//plates/plate_0001.png", nature: .sequence),
        ])
    }

    @Test("v1 header converted from a real 64-bit file parses identically")
    func convertedV1() throws {
        let legacy = try TestFiles.bytes("geometry-nodes-2_shot_file.blend")
        let v1 = TestFiles.convertToV1(legacy)
        #expect(v1.starts(with: Array("BLENDER17-01v0300".utf8)))
        let a = try BlendFileReader.read(bytes: legacy, name: "x.blend")
        let b = try BlendFileReader.read(bytes: v1, name: "x.blend")
        #expect(b.headerFormat == 1)
        #expect(a.scenes == b.scenes && a.dependencies == b.dependencies && a.activeScene == b.activeScene)
    }

    @Test("curscene 0 falls back to the REND scene, then to the first scene")
    func curscene() throws {
        var f = SyntheticBlend()
        f.structBlock("GLOB", "FileGlobal", old: 1, ["curscene": .pointer(0)])
        f.structBlock("SC", "Scene", old: 0x10, ["id.name": .string("SCFirst"), "r.sfra": .int(1), "r.efra": .int(2)])
        f.structBlock("SC", "Scene", old: 0x20, ["id.name": .string("SCSecond"), "r.sfra": .int(1), "r.efra": .int(2)])
        #expect(try BlendFileReader.read(bytes: f.file(), name: "a").activeScene == "First")
        var g = SyntheticBlend()
        var rend = g.int(1, 4) + g.int(2, 4) + Array("Second".utf8)
        rend += [UInt8](repeating: 0, count: 72 - rend.count)
        g.block("REND", old: 1, payload: rend)
        g.structBlock("GLOB", "FileGlobal", old: 1, ["curscene": .pointer(0x999)])  // dangling
        g.structBlock("SC", "Scene", old: 0x10, ["id.name": .string("SCFirst")])
        g.structBlock("SC", "Scene", old: 0x20, ["id.name": .string("SCSecond")])
        #expect(try BlendFileReader.read(bytes: g.file(), name: "a").activeScene == "Second")
    }

    @Test("zstd without a seek table (zstd CLI) and gzip (gzip CLI) read like the original")
    func cliCompressed() throws {
        let dir = try TestFiles.tempDir("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = TestFiles.blendBat("basic_file.blend")
        let zst = dir.appendingPathComponent("a.blend"), gz = dir.appendingPathComponent("b.blend")
        #expect(try TestFiles.run("/usr/bin/zstd", ["-q", "-3", "-c", src], stdout: zst) == 0)
        #expect(try TestFiles.run("/usr/bin/gzip", ["-c", src], stdout: gz) == 0)
        let plain = try BlendFileReader.read(path: src, name: "x")
        let z = try BlendFileReader.read(path: zst.path, name: "x")
        let g = try BlendFileReader.read(path: gz.path, name: "x")
        #expect(z.compression == .zstd && g.compression == .gzip)
        #expect(plain.scenes == z.scenes && plain.scenes == g.scenes)
        #expect(plain.dependencies == z.dependencies)
        // The CLI wrote no seek table: the reader must have used the streaming path.
        #expect(try ZstdSeekableStream.seekTable(of: FileInput(path: zst.path)) == nil)
        #expect(try ZstdSeekableStream.seekTable(of: FileInput(path: TestFiles.blendBat("basic_file_zstandard.blend"))) != nil)
    }

    @Test("a short final ENDB and a missing ENDB are accepted, as Blender does")
    func endb() throws {
        let f = SyntheticBlend.typical()
        let withoutEndb = Array(f.dropLast(24))
        #expect(try BlendFileReader.read(bytes: withoutEndb, name: "a").activeScene == "Shot")
        let shortEndb = Array(f.dropLast(16))
        #expect(try BlendFileReader.read(bytes: shortEndb, name: "a").activeScene == "Shot")
    }
}

@Suite("Bad input: one clear line, never a crash or a hang")
struct BadInputTests {
    func error(_ bytes: [UInt8]) -> BlendError? {
        do { _ = try BlendFileReader.read(bytes: bytes, name: "shot.blend"); return nil } catch { return error }
    }

    /// Offset of the first block with `code` in an uncompressed 64-bit file.
    func offset(of code: String, in b: [UInt8]) -> (Int, Int)? {
        var o = 12
        while o + 24 <= b.count {
            let len = (0..<4).reduce(0) { $0 | Int(b[o + 4 + $1]) << (8 * $1) }
            if b[o..<o + 4].prefix(while: { $0 != 0 }).elementsEqual(code.utf8) { return (o, len) }
            o += 24 + len
        }
        return nil
    }

    @Test("not a .blend")
    func notBlend() {
        #expect(error(Array("print('hello')\n".utf8))?.kind == .notBlend)
        #expect(error(Array("print('hello')\n".utf8))?.description == "shot.blend: not a .blend file (no BLENDER, gzip or zstd signature)")
    }

    @Test("empty file") func empty() { #expect(error([])?.kind == .empty) }

    @Test("missing file is a cannot-open error (exit 66, not 65)")
    func missing() {
        do { _ = try BlendFileReader.read(path: "/nonexistent/shot.blend"); Issue.record("no error") } catch {
            #expect(error.isMissingFile)
            #expect(error.description == "/nonexistent/shot.blend: cannot open: No such file or directory")
        }
    }

    @Test("truncated in the header, a block header, DNA1 and a scene block")
    func truncated() throws {
        let b = try TestFiles.bytes("basic_file.blend")
        #expect(error(Array(b.prefix(10)))?.kind == .truncatedHeader)
        #expect(error(Array(b.prefix(12 + 10)))?.kind == .truncatedBlockHeader(offset: 12))
        let (sc, _) = try #require(offset(of: "SC", in: b))
        #expect(error(Array(b.prefix(sc + 24 + 100)))?.kind == .truncated(code: "SC", offset: sc))
        #expect(error(Array(b.prefix(sc + 24 + 100)))?.description == "shot.blend: truncated inside block SC at offset \(sc)")
        let (dna, _) = try #require(offset(of: "DNA1", in: b))
        #expect(error(Array(b.prefix(dna + 24 + 5000)))?.kind == .truncated(code: "DNA1", offset: dna))
        // Every cut point in the first 64 KiB and around DNA1 gives an error or a valid parse, never a crash.
        for cut in stride(from: 0, to: 65536, by: 331) + Array(stride(from: dna - 50, to: b.count, by: 1777)) {
            _ = error(Array(b.prefix(cut)))
        }
    }

    @Test("truncated gzip and zstd streams")
    func truncatedCompressed() throws {
        for name in ["basic_file_compressed.blend", "basic_file_zstandard.blend"] {
            let b = try TestFiles.bytes(name)
            let e = try #require(error(Array(b.prefix(b.count / 2))))
            #expect(e.description.hasPrefix("shot.blend: "))
        }
    }

    @Test("no DNA1 block (corrupt_only_magic.blend and a real file with DNA1 removed)")
    func missingDNA() throws {
        #expect(error(try TestFiles.bytes("corrupt_only_magic.blend"))?.kind == .missingDNA)
        var b = try TestFiles.bytes("basic_file.blend")
        let (dna, len) = try #require(offset(of: "DNA1", in: b))
        b.removeSubrange(dna..<dna + 24 + len)
        #expect(error(b)?.kind == .missingDNA)
    }

    @Test("unknown header versions")
    func unknownHeader() {
        #expect(error(Array("BLENDER18-02v0600".utf8) + [UInt8](repeating: 0, count: 40))?.kind == .unknownHeader("BLENDER18-02v0600"))
        #expect(error(Array("BLENDER-x279".utf8) + [UInt8](repeating: 0, count: 40))?.kind == .unknownHeader("BLENDER-x279"))
        #expect(error(Array("BLENDERfoo!!".utf8) + [UInt8](repeating: 0, count: 40))?.kind == .unknownHeader("BLENDERfoo!!"))
    }

    @Test("block lengths past the end and negative lengths")
    func lengths() throws {
        var b = try TestFiles.bytes("basic_file.blend")
        let (sc, _) = try #require(offset(of: "SC", in: b))
        b.replaceSubrange(sc + 4..<sc + 8, with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(error(b)?.kind == .badLength(code: "SC", offset: sc, length: 0x7FFF_FFFF))
        b.replaceSubrange(sc + 4..<sc + 8, with: [0xF0, 0xFF, 0xFF, 0xFF])
        #expect(error(b)?.kind == .badLength(code: "SC", offset: sc, length: -16))
        // v1 headers carry 64-bit lengths.
        var v1 = SyntheticBlend(format: 1, version: 500)
        v1.block("DATA", payload: [1, 2, 3], length: Int(Int64.max / 2))
        #expect(error(v1.file())?.kind == .badLength(code: "DATA", offset: 17, length: Int64.max / 2))
    }

    @Test("a lying length inside a gzip stream fails without allocating it")
    func lyingLengthCompressed() throws {
        var f = SyntheticBlend()
        f.block("SC", old: 1, sdna: 5, payload: [1, 2, 3], length: 40 << 20)
        let dir = try TestFiles.tempDir("lie")
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("raw.blend"), gz = dir.appendingPathComponent("gz.blend")
        try Data(f.file(withDNA: false, endb: false)).write(to: raw)
        #expect(try TestFiles.run("/usr/bin/gzip", ["-c", raw.path], stdout: gz) == 0)
        do { _ = try BlendFileReader.read(path: gz.path, name: "shot.blend"); Issue.record("no error") } catch {
            #expect(error.kind == .truncated(code: "SC", offset: 12))
        }
    }

    @Test("kept blocks are capped in total (48 MiB), not per block")
    func retainedTotal() {
        var f = SyntheticBlend()
        let image = [UInt8](repeating: 0, count: 8 << 20)
        for i in 0..<5 { f.block("IM", old: UInt64(0x1000 + i), sdna: f.structIndex("Image"), payload: image) }
        #expect(error(f.file()) == nil)  // 40 MiB in 8 MiB blocks: within the limit
        for i in 5..<7 { f.block("IM", old: UInt64(0x1000 + i), sdna: f.structIndex("Image"), payload: image) }
        #expect(error(f.file())?.description == "shot.blend: corrupt: the blocks this reader decodes exceed 48 MiB at block IM (offset \(12 + 6 * (24 + (8 << 20)))): a hostile or damaged file")
    }

    @Test("a DNA1 catalogue over 1 MiB is refused")
    func hugeCatalogue() {
        var f = SyntheticBlend()
        f.block("DNA1", payload: [UInt8](repeating: 0, count: (1 << 20) + 1))
        #expect(error(f.file(withDNA: false))?.description == "shot.blend: corrupt: DNA1 at offset 12 is 1048577 bytes, more than the 1 MiB catalogue this reader accepts")
    }

    /// `basic_file_zstandard.blend` with frame 0's decoded size in the seek table replaced.
    func zstdClaiming(_ size: (Int) -> Int) throws -> [UInt8] {
        var b = try TestFiles.bytes("basic_file_zstandard.blend")
        let count = b[(b.count - 9)...].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
        let entry0 = b.count - 9 - count * 8
        let claimed = b[(entry0 + 4)...].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
        b.replaceSubrange(entry0 + 4..<entry0 + 8, with: withUnsafeBytes(of: UInt32(size(claimed)).littleEndian, Array.init))
        return b
    }

    @Test("seekable zstd: a frame the seek table claims over 64 MiB is refused, a frame holding more than claimed stops")
    func zstdFrameClaims() throws {
        #expect(error(try zstdClaiming { _ in 1 << 30 })?.description == "shot.blend: decompression failed: zstd frame 0 claims 1073741824 bytes; Blender writes frames of 1–2 MiB (limit 64 MiB)")
        var claimed = 0
        let short = try zstdClaiming { claimed = $0 - 1; return $0 - 1 }
        #expect(error(short)?.description == "shot.blend: decompression failed: zstd frame 0 holds more than the \(claimed) bytes its seek table says")
    }

    @Test("zstd needing a window over 16 MiB (zstd --long) is refused with what to do")
    func zstdWindow() throws {
        let dir = try TestFiles.tempDir("window")
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = dir.appendingPathComponent("long.blend")
        #expect(try TestFiles.run("/bin/sh", ["-c", "zstd -q --long=27 -c < '\(TestFiles.blendBat("basic_file.blend"))'"], stdout: long) == 0)
        do { _ = try BlendFileReader.read(path: long.path, name: "shot.blend"); Issue.record("no error") } catch {
            #expect(error.description == "shot.blend: decompression failed: zstd needs a window over 16 MiB (written with zstd --long or --ultra?): recompress it with plain zstd, or save it from Blender")
        }
    }

    @Test("a pointer cycle in the sequencer strips is reported, not looped on")
    func pointerCycle() {
        let e = error(SyntheticBlend.typical(cycle: true))
        #expect(e?.description == "shot.blend: corrupt: pointer cycle in the sequencer strips of scene 'Shot' (address 0x5100)")
    }

    @Test("absurd SDNA counts and indices")
    func absurdSDNA() throws {
        let b = try TestFiles.bytes("basic_file.blend")
        let (dna, len) = try #require(offset(of: "DNA1", in: b))
        var names = b
        names.replaceSubrange(dna + 24 + 8..<dna + 24 + 12, with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(error(names)?.kind == .badSDNA("absurd name count 2147483647 for a \(len)-byte catalogue"))
        var structs = b
        let strc = try #require((dna + 24..<dna + 24 + len - 4).first { b[$0..<$0 + 4].elementsEqual("STRC".utf8) })
        structs.replaceSubrange(strc + 4..<strc + 8, with: [0x00, 0x00, 0x00, 0x40])
        #expect(error(structs)?.description.contains("absurd struct count 1073741824") == true)
        var magic = b
        magic[dna + 24] = UInt8(ascii: "X")
        #expect(error(magic)?.kind == .badSDNA("expected SDNA at offset 0 in DNA1"))
        // Random garbage over the catalogue never crashes.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var g = b
            for _ in 0..<8 { g[dna + 24 + Int.random(in: 0..<2000, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = error(g)
        }
    }

    @Test("ListBase size disagreeing with the header's pointer size")
    func pointerSizeMismatch() throws {
        var b = try TestFiles.bytes("basic_file.blend")
        b[7] = UInt8(ascii: "_")  // claims 4-byte pointers: block headers now misparse
        let e = try #require(error(b))
        #expect(e.description.hasPrefix("shot.blend: ") && !e.description.contains("\n"))
    }
}
