import Foundation
import Testing
@testable import RenderPlan

@Suite("Shot lists")
struct ShotListTests {
    func write(_ text: String, _ name: String) throws -> String {
        let folder = NSTemporaryDirectory() + "bb-shots-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        return folder + "/" + name
    }

    @Test("JSON and CSV give the same shots: names default to the file name, paths are relative to the list")
    func both() throws {
        let json = try write(#"[{"file": "a/sh010.blend", "frames": "1-48", "percent": 50}, {"name": "close", "file": "/abs/sh020.blend", "samples": 16.0}]"#, "s.json")
        let csv = try write("name,file,frames,percent,samples\n,a/sh010.blend,1-48,50,\nclose,/abs/sh020.blend,,,16\n", "s.csv")
        let fromJSON = try ShotList.read(json), fromCSV = try ShotList.read(csv)
        #expect(fromJSON.map(\.name) == ["sh010", "close"] && fromJSON.map(\.percent) == [50, nil] && fromJSON.map(\.samples) == [nil, 16])
        #expect(fromJSON[0].file == (json as NSString).deletingLastPathComponent + "/a/sh010.blend" && fromJSON[1].file == "/abs/sh020.blend")
        #expect(fromCSV.map(\.name) == fromJSON.map(\.name) && fromCSV.map(\.frames) == ["1-48", nil])
        #expect(ShotList.csvRecords("a,\"b, \"\"c\"\"\"\r\nd,e") == [["a", "b, \"c\""], ["d", "e"]])
    }

    @Test("bad lists: one line naming the list, the shot and what to change")
    func problems() throws {
        func problem(_ text: String, _ name: String = "s.json") throws -> String {
            let path = try write(text, name)
            do { _ = try ShotList.read(path); return "no problem" } catch { return String(error.description.dropFirst(path.count + 2)) }
        }
        #expect(try problem("{}") == "not a JSON array of shots ([{\"file\": \"a.blend\"}, …])")
        #expect(try problem("[]") == "no shots")
        #expect(try problem(#"[{"frames": "1"}]"#) == "shot 1: no 'file' (the .blend to render)")
        #expect(try problem(#"[{"file": "a.blend", "fps": 30}]"#).hasPrefix("shot 1: unknown field 'fps' (known: name, file, scene"))
        #expect(try problem(#"[{"file": "a.blend", "percent": 0}]"#) == "shot 1: percent '0' is not a positive whole number")
        #expect(try problem(#"[{"file": "a.blend", "scene": ["x"]}]"#) == "shot 1: field 'scene' must be text or a number")
        #expect(try problem(#"[{"file": "a.blend"}, {"file": "b/a.blend"}]"#) == "shot 2: the name 'a' is taken by an earlier shot; give each shot its own name")
        #expect(try problem(#"[{"name": "../x", "file": "a.blend"}]"#) == "shot 1: name '../x' must be a plain folder name (no '/', not hidden)")
        #expect(try problem("file\na.blend,extra\n", "s.csv") == "row 2 has 2 fields, the header 1")
    }
}
