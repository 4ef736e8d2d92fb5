import Foundation
import LuaKit
import ObjectStore

extension LuaModule {
    /// `store`: objects in folders and S3, addressed by URL.
    static let store = LuaModule("store", doc: """
        Files and objects by URL: s3://bucket/key, file:///abs/path or a plain path (AWS settings as the
        AWS CLI reads them: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). Failures return
        nil, message, code: 'no_input' (no such object), an AWS code ('NoSuchBucket', 'AccessDenied',
        'SignatureDoesNotMatch'), 'unreachable', 'io_error', 'bad_location', 'unsafe_key' or 'corrupt'.
        A sandboxed recipe reaches only the places it was handed (see README, Security model).
        """) { m in
        m.function("put", doc: """
            store.put(src, dst) -> true | nil, message, code
            Upload (or copy) the local file src to dst; a dst ending in '/' keeps the file's name.
            Large files go up in parallel parts. Example: assert(store.put('out/shot.mp4', 's3://bkt/jobs/j1/'))
            """) { args in
            let source = try args.string(1)
            let destination = try args.string(2)
            let capabilities = Capabilities.of(args)
            try capabilities.require(.read, source, args)
            try capabilities.require(.write, destination, args)
            return try StoreCalls.run(args) {
                let src = try StoreLocation(parsing: source)
                guard case .local = src else { throw StoreError.badLocation(source, reason: "store.put copies a local file; use store.get to download") }
                var dst = try StoreLocation(parsing: destination)
                if destination.hasSuffix("/") { dst = dst.appending(src.lastComponent) }
                let (from, fromKey) = StoreFactory.object(src)
                let (to, toKey) = StoreFactory.object(dst)
                try await StoreTransfer().copy(from: from, key: fromKey, to: to, key: toKey)
                return .boolean(true)
            }
        }
        m.function("get", doc: """
            store.get(url, path) -> true | nil, message, code
            Download url to the local path (written to a temp name, renamed when complete and verified).
            Example: assert(store.get('s3://bkt/scenes/shot.blend', 'work/shot.blend'))
            """) { args in
            let source = try args.string(1)
            let destination = try args.string(2)
            let capabilities = Capabilities.of(args)
            try capabilities.require(.read, source, args)
            try capabilities.require(.write, destination, args)
            return try StoreCalls.run(args) {
                let (from, key) = StoreFactory.object(try StoreLocation(parsing: source))
                guard case .local(let path) = try StoreLocation(parsing: destination) else {
                    throw StoreError.badLocation(destination, reason: "store.get writes a local file; use store.put to upload")
                }
                try await from.get(key: key, to: URL(fileURLWithPath: path))
                return .boolean(true)
            }
        }
        m.function("list", doc: """
            store.list(prefix) -> {{key=, url=, size=, etag=, last_modified=}, ...} | nil, message, code
            Every object whose URL starts with prefix (all pages), in key order. For a folder, keys are
            relative to it. Example: for _, o in ipairs(store.list('s3://bkt/jobs/j1/frames/')) do print(o.key, o.size) end
            """) { args in
            let prefix = try args.string(1)
            try Capabilities.of(args).require(.list, prefix, args)
            return try StoreCalls.run(args) {
                let location = try StoreLocation(parsing: prefix)
                var (store, keyPrefix) = StoreFactory.object(location)
                if case .local(let path) = location, StoreCalls.isDirectory(path) { (store, keyPrefix) = (LocalStore(root: path), "") }
                let base = store.location
                let objects = try await store.listAll(prefix: keyPrefix)
                return .array(objects.map { info in
                    var entry: [String: LuaValue] = [
                        "key": .string(info.key), "url": .string(base.appending(info.key).description),
                        "size": .integer(Int(info.size)),
                    ]
                    if let etag = info.etag { entry["etag"] = .string(etag) }
                    if let date = info.lastModified { entry["last_modified"] = .string(ISO8601DateFormatter().string(from: date)) }
                    return .table(entry)
                })
            }
        }
        m.function("exists", doc: """
            store.exists(url) -> boolean | nil, message, code
            Whether the object or file exists (a missing bucket is an error, not false).
            """) { args in
            let url = try args.string(1)
            try Capabilities.of(args).require(.read, url, args)
            return try StoreCalls.run(args) {
                let (store, key) = StoreFactory.object(try StoreLocation(parsing: url))
                return .boolean(try await store.exists(key: key))
            }
        }
        m.function("delete", doc: """
            store.delete(url) -> true | nil, message, code
            Remove the object or file; removing one that does not exist is not an error.
            """) { args in
            let url = try args.string(1)
            try Capabilities.of(args).require(.write, url, args)
            return try StoreCalls.run(args) {
                let (store, key) = StoreFactory.object(try StoreLocation(parsing: url))
                try await store.delete(key: key)
                return .boolean(true)
            }
        }
        m.function("read", doc: """
            store.read(url) -> string | nil, message, code
            The whole object as a string (for manifests, JSON, small text). Example: local m = store.read('s3://bkt/jobs/j1/manifest.json')
            """) { args in
            let url = try args.string(1)
            try Capabilities.of(args).require(.read, url, args)
            return try StoreCalls.run(args) {
                let (store, key) = StoreFactory.object(try StoreLocation(parsing: url))
                let data = try await store.read(key: key)
                return .string(String(decoding: data, as: UTF8.self))
            }
        }
        m.function("write", doc: """
            store.write(url, string) -> true | nil, message, code
            Store the string as the object's whole content (all or nothing: readers never see half of it).
            """) { args in
            let url = try args.string(1)
            let text = try args.string(2)
            try Capabilities.of(args).require(.write, url, args)
            return try StoreCalls.run(args) {
                let (store, key) = StoreFactory.object(try StoreLocation(parsing: url))
                try await store.put(data: Data(text.utf8), key: key)
                return .boolean(true)
            }
        }
        m.function("temp", doc: """
            store.temp() -> path
            This run's private temporary folder (made on first use, removed when the recipe ends): the one
            place besides its parameters and its jobs' outputs a sandboxed recipe may write.
            """) { args in
            do { return .value(.string(try Capabilities.of(args).temporaryFolder())) } catch let error as StoreError {
                return .failure(error.description, code: StoreCalls.code(error))
            }
        }
    }
}

/// Runs a store call for Lua: async work off the Lua thread, failures as `nil, message, code`.
enum StoreCalls {
    static func run(_ args: LuaArgs, _ work: @escaping @Sendable () async throws -> LuaValue) throws -> LuaResult {
        do {
            return .value(try args.wait(work))
        } catch let error as StoreError {
            return .failure(error.description, code: code(error))
        }
    }

    /// The Lua code for a store failure: the AWS code when the store answered with one.
    static func code(_ error: StoreError) -> String {
        switch error {
        case .notFound: return "no_input"
        case .refused(_, let code, _): return code
        case .unreachable: return "unreachable"
        case .io: return "io_error"
        case .badLocation: return "bad_location"
        case .keyEscapesRoot: return "unsafe_key"
        case .corrupt: return "corrupt"
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
