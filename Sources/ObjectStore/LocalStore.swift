import Foundation

/// An object store on a local folder: keys are relative paths below `root`.
///
/// Writes go to a hidden temp file beside the target and are renamed into place,
/// so a reader (or a crash) never sees a half-written object.
public struct LocalStore: ObjectStore {
    public let root: String
    public var location: StoreLocation { .local(path: root) }

    public init(root: String) {
        self.root = (root as NSString).standardizingPath
    }

    /// The absolute path of `key`, refusing keys that would leave `root` (`../x`, absolute keys).
    public func path(for key: String) throws -> String {
        var parts: [Substring] = []
        for part in key.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { throw StoreError.keyEscapesRoot(key) }
            parts.append(part)
        }
        return parts.isEmpty ? root : root + "/" + parts.joined(separator: "/")
    }

    public func put(file: URL, key: String) async throws {
        let target = try path(for: key)
        try atomicWrite(to: target) { temp in
            try FileManager.default.copyItem(atPath: file.path, toPath: temp)
        }
    }

    public func move(file: URL, key: String) async throws {
        let target = try path(for: key)
        try makeFolders((target as NSString).deletingLastPathComponent)
        // A rename is atomic and the file is complete: readers see the whole object or nothing.
        if rename(file.path, target) == 0 { return }
        guard errno == EXDEV else { throw StoreError.io(target, reason: String(cString: strerror(errno))) }
        try await put(file: file, key: key)
        try? FileManager.default.removeItem(at: file)
    }

    public func put(data: Data, key: String) async throws {
        let target = try path(for: key)
        try atomicWrite(to: target) { temp in
            guard FileManager.default.createFile(atPath: temp, contents: data) else {
                throw StoreError.io(target, reason: "cannot write (disk full or no permission?)")
            }
        }
    }

    public func get(key: String, to file: URL, range: ClosedRange<Int64>?) async throws {
        let source = try path(for: key)
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError.notFound(source) }
        try atomicWrite(to: file.path) { temp in
            if let range {
                guard let handle = FileHandle(forReadingAtPath: source) else { throw StoreError.io(source, reason: "cannot open") }
                defer { try? handle.close() }
                try handle.seek(toOffset: UInt64(range.lowerBound))
                let data = try handle.read(upToCount: Int(range.upperBound - range.lowerBound + 1)) ?? Data()
                guard FileManager.default.createFile(atPath: temp, contents: data) else {
                    throw StoreError.io(file.path, reason: "cannot write")
                }
            } else {
                try FileManager.default.copyItem(atPath: source, toPath: temp)
            }
        }
    }

    public func read(key: String) async throws -> Data {
        let source = try path(for: key)
        guard let data = FileManager.default.contents(atPath: source) else { throw StoreError.notFound(source) }
        return data
    }

    public func head(key: String) async throws -> ObjectInfo? {
        let source = try path(for: key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: source),
              attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return ObjectInfo(key: key, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                          lastModified: attributes[.modificationDate] as? Date)
    }

    public func list(prefix: String) -> AsyncThrowingStream<ObjectInfo, Error> {
        let root = self.root
        return AsyncThrowingStream { continuation in
            // Walk only the deepest folder the prefix names, then filter by the rest.
            let folder = prefix.contains("/") ? String(prefix[..<prefix.lastIndex(of: "/")!]) : ""
            let base = folder.isEmpty ? root : root + "/" + folder
            var keys: [ObjectInfo] = []
            if let walker = FileManager.default.enumerator(atPath: base) {
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".bb-tmp-") { continue }  // in-flight writes are not objects yet
                    let key = folder.isEmpty ? relative : folder + "/" + relative
                    guard key.hasPrefix(prefix),
                          let attributes = walker.fileAttributes,
                          attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                    keys.append(ObjectInfo(key: key, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                                           lastModified: attributes[.modificationDate] as? Date))
                }
            }
            for info in keys.sorted(by: { $0.key < $1.key }) { continuation.yield(info) }
            continuation.finish()
        }
    }

    public func delete(key: String) async throws {
        let target = try path(for: key)
        if FileManager.default.fileExists(atPath: target) {
            do { try FileManager.default.removeItem(atPath: target) } catch { throw StoreError.ioFailure(target, error) }
        }
    }
}

/// Write through `body` into a temp file beside `target`, then rename it into place.
/// On any failure the temp file is removed and `target` is left as it was.
func atomicWrite(to target: String, _ body: (String) throws -> Void) throws {
    let directory = (target as NSString).deletingLastPathComponent
    try makeFolders(directory)
    let temp = directory + "/.bb-tmp-\(UUID().uuidString)-" + (target as NSString).lastPathComponent
    do {
        try body(temp)
        guard rename(temp, target) == 0 else {
            throw StoreError.io(target, reason: String(cString: strerror(errno)))
        }
    } catch {
        try? FileManager.default.removeItem(atPath: temp)
        throw StoreError.ioFailure(target, error)
    }
}

/// `mkdir -p`, failing with the system's reason for the first folder it cannot make ("Not a
/// directory", "No space left on device"): Foundation's error says only "could not be completed".
func makeFolders(_ path: String) throws {
    var made = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        made += "/" + part
        if mkdir(made, 0o755) != 0 && errno != EEXIST {
            throw StoreError.io(made, reason: String(cString: strerror(errno)))
        }
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
        throw StoreError.io(path, reason: String(cString: strerror(ENOTDIR)))
    }
}
