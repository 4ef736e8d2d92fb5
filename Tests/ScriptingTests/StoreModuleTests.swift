import AWSCore
import Foundation
import LuaKit
import ObjectStore
import Testing
@testable import Scripting

/// The `store` module from Lua, on a temp folder and on moto.
@Suite("store module", .serialized)
struct StoreModuleTests {
    /// Run `code` sandboxed, handing it its arguments (or `handing`).
    func run(_ code: String, _ args: [LuaValue] = [], handing: [String]? = nil) throws -> [LuaValue] {
        let handed = handing ?? args.compactMap(\.stringValue)
        let lua = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: handed + ["s3://no-such-bucket-lua"]))
        return try lua.run(code, arguments: args)
    }

    func tempFolder() throws -> String {
        let path = NSTemporaryDirectory() + "store-lua-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("write, read, exists, list, get, put, delete on a folder")
    func localFolder() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try run("""
            local store = require "store"
            local dir = ...
            assert(store.write(dir .. '/jobs/j1/manifest.json', '{"frames":10}'))
            local text = store.read(dir .. '/jobs/j1/manifest.json')
            local before = store.exists(dir .. '/jobs/j1/nope')
            assert(store.put(dir .. '/jobs/j1/manifest.json', dir .. '/copies/'))
            assert(store.get('file://' .. dir .. '/copies/manifest.json', dir .. '/got.json'))
            local listed = store.list(dir .. '/jobs')
            assert(store.delete(dir .. '/copies/manifest.json'))
            return text, before, store.exists(dir .. '/copies/manifest.json'), store.exists(dir .. '/got.json'),
                   #listed, listed[1].key, listed[1].size, listed[1].url
            """, [.string(folder)])
        #expect(r == [.string(#"{"frames":10}"#), .boolean(false), .boolean(false), .boolean(true),
                      .integer(1), .string("j1/manifest.json"), .integer(13), .string(folder + "/jobs/j1/manifest.json")])
    }

    @Test("failures are nil, message, code; misuse raises")
    func failures() throws {
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try run("""
            local store = require "store"
            local a, am, ac = store.read(... .. '/missing.txt')
            local b, bm, bc = store.list('gs://bucket/x')
            local ok, err = pcall(store.read)
            return a, am, ac, b, bc, ok, err
            """, [.string(folder)])
        #expect(r[0] == .nil && r[1] == .string("\(folder)/missing.txt: no such object") && r[2] == .string("no_input"))
        #expect(r[3] == .nil && r[4] == .string("bad_location"))
        #expect(r[5] == .boolean(false))
        #expect(r[6].stringValue?.contains("bad argument #1 to 'store.read'") == true)
    }

    @Test("every function is documented for help")
    func documented() throws {
        let lua = try ScriptEngine.makeState(trusted: false)
        for name in ["put", "get", "list", "exists", "delete", "read", "write"] {
            let doc = try #require(lua.doc(for: "store.\(name)"))
            #expect(doc.hasPrefix("store.\(name)("))
        }
    }

    @Test("round trip through S3 on moto; unknown bucket reports its AWS code", .requires(.moto))
    func s3() async throws {
        let client = motoClient()
        StoreFactory.useDefaultClient(client)
        let bucket = uniqueName("lua-store")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        let folder = try tempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "frame bytes".write(toFile: folder + "/f1.png", atomically: true, encoding: .utf8)
        let r = try run("""
            local store = require "store"
            local bucket, dir = ...
            local base = 's3://' .. bucket .. '/jobs/j1/'
            assert(store.put(dir .. '/f1.png', base .. 'frames/'))
            assert(store.write(base .. 'manifest.json', '{"ok":true}'))
            local objects = store.list(base)
            assert(store.get(base .. 'frames/f1.png', dir .. '/back.png'))
            local text = store.read(base .. 'manifest.json')
            local there = store.exists(base .. 'frames/f1.png')
            assert(store.delete(base .. 'frames/f1.png'))
            local gone = store.exists(base .. 'frames/f1.png')
            local n, msg, code = store.read('s3://no-such-bucket-lua/x')
            return #objects, objects[1].key, objects[2].url, text, there, gone, n, msg, code
            """, [.string(bucket), .string(folder)], handing: ["s3://\(bucket)/", folder])
        #expect(r[0] == .integer(2))
        #expect(r[1] == .string("jobs/j1/frames/f1.png"))
        #expect(r[2] == .string("s3://\(bucket)/jobs/j1/manifest.json"))
        #expect(r[3] == .string(#"{"ok":true}"#))
        #expect(r[4] == .boolean(true) && r[5] == .boolean(false))
        #expect(r[6] == .nil && r[8] == .string("NoSuchBucket"))
        #expect(r[7].stringValue?.hasPrefix("s3://no-such-bucket-lua/x: NoSuchBucket") == true)
        #expect(try String(contentsOfFile: folder + "/back.png", encoding: .utf8) == "frame bytes")
    }
}
