import ArgumentParser
import Executors
import Foundation
import ObjectStore
import RenderPlan

/// `blendbatch store cp|ls|rm|cat`: move objects between folders and S3, like `aws s3`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", _superCommandName: "blendbatch",
        abstract: "Copy, list, remove and print objects in a store: a folder, file:///path or s3://bucket/prefix.",
        discussion: """
            S3 access follows the AWS CLI: credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE
            (~/.aws/credentials, ~/.aws/config), container or instance credentials; region from AWS_REGION or the
            profile; AWS_ENDPOINT_URL(_S3) for S3-compatible stores (MinIO, Ceph, R2) and emulators.
            Exit codes: 66 no such object, 64 bad location, 65 unsafe key, 74 local I/O error, 76 store refused or unreachable.
            """,
        subcommands: [Copy.self, List.self, Remove.self, Cat.self]
    )

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cp", abstract: "Copy a file or object (or, with --recursive, everything under a prefix).",
            discussion: """
                blendbatch store cp shot.blend s3://bkt/scenes/          upload into a prefix (keeps the name)
                blendbatch store cp s3://bkt/jobs/j1/frames ./frames -r  download a whole prefix
                """)

        @Argument(help: "Source: a path, file:///path or s3://bucket/key.") var source: String
        @Argument(help: "Destination: a path, file:///path or s3://bucket/key (ending in / means 'into this folder').") var destination: String
        @Flag(name: [.short, .long], help: "Copy every object under SOURCE, keeping relative keys.") var recursive = false
        @Option(help: "Objects copied at once with --recursive.") var concurrency = 16
        @Flag(help: "Print the summary as JSON.") var json = false
        @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

        func run() async throws {
            let started = Date()
            let src = try storeLocation(source)
            let dst = try storeLocation(destination)
            let transfer = StoreTransfer(concurrency: concurrency)
            var objects = 1
            var bytes: Int64 = 0
            do {
                if recursive {
                    let srcStore = StoreFactory.open(src)
                    let dstStore = StoreFactory.open(dst)
                    let progress = TransferProgress()
                    let result = try await transfer.copyAll(from: srcStore, prefix: "", to: dstStore, progress: progress.report)
                    progress.finish()
                    (objects, bytes) = result
                    if objects == 0 { throw CommandEnd(.noInput, "\(src): nothing to copy (no objects under this prefix)") }
                } else {
                    var (srcStore, srcKey) = StoreFactory.object(src)
                    guard !srcKey.isEmpty, !source.hasSuffix("/") else {
                        throw CommandEnd(.usage, "\(source): names a folder or prefix; use --recursive to copy everything under it")
                    }
                    if case .local(let path) = src, isDirectory(path) {
                        throw CommandEnd(.usage, "\(source): is a folder; use --recursive to copy everything in it")
                    }
                    let target = intoFolder(dst) ? dst.appending(src.lastComponent) : dst
                    var (dstStore, dstKey) = StoreFactory.object(target)
                    // A missing S3 object (or bucket) is reported by the copy itself, with its AWS code.
                    let size = try await srcStore.head(key: srcKey)?.size ?? 0
                    bytes = size
                    // A bar for large transfers: megabytes moved, fed by the S3 side.
                    let bar = size >= 8 << 20 ? ByteProgress(label: src.lastComponent, bytes: size) : nil
                    if let bar {
                        let report: @Sendable (Int64) -> Void = { bar.add($0) }
                        if var s3 = dstStore as? S3Store { s3.progress = report; dstStore = s3 }
                        if var s3 = srcStore as? S3Store { s3.progress = report; srcStore = s3 }
                    }
                    try await transfer.copy(from: srcStore, key: srcKey, to: dstStore, key: dstKey)
                    bar?.finish()
                }
            } catch {
                throw storeEnd(error)
            }
            let seconds = Date().timeIntervalSince(started)
            if json {
                try printJSON(CopySummary(objects: objects, bytes: bytes, seconds: seconds))
            } else if !quiet {
                print("copied \(objects) object\(objects == 1 ? "" : "s") (\(formatBytes(bytes))) in \(String(format: "%.2f", seconds)) s")
            }
        }

        /// True when the destination is a folder to copy into rather than the object's new name.
        func intoFolder(_ location: StoreLocation) -> Bool {
            if destination.hasSuffix("/") { return true }
            switch location {
            case .local(let path): return isDirectory(path)
            case .s3(_, let key): return key.isEmpty
            }
        }
    }

    struct CopySummary: Encodable {
        var objects: Int
        var bytes: Int64
        var seconds: Double
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List every object under a prefix or folder (all pages).",
            discussion: """
                Like ls, keys with a part starting with '.' are left out unless --all: blendbatch keeps \
                each job's records (manifest, journal, logs) under <output>/.blendbatch/.
                """)

        @Argument(help: "A path, file:///path or s3://bucket/prefix.") var location: String
        @Flag(name: [.short, .long], help: "Also list keys with a part starting with '.' (such as .blendbatch/).") var all = false
        @Flag(help: "Print a JSON array of {key, size, etag, lastModified}.") var json = false

        func run() async throws {
            let parsed = try storeLocation(location)
            var (store, prefix) = StoreFactory.object(parsed)
            if case .local(let path) = parsed, isDirectory(path) { (store, prefix) = (LocalStore(root: path), "") }
            var listed: [ObjectInfo] = []
            let dates = ISO8601DateFormatter()
            do {
                for try await info in store.list(prefix: prefix) where all || !Self.isHidden(info.key, below: prefix) {
                    if json {
                        listed.append(info)
                    } else {
                        let date = info.lastModified.map { dates.string(from: $0) } ?? "-"
                        print("\(date)  \(String(info.size).leftPad(12))  \(info.key)")
                    }
                }
            } catch {
                throw storeEnd(error)
            }
            if json { try printJSON(listed) }
        }

        /// True when a part of `key` below `prefix` starts with '.' (the prefix itself may be hidden: asked for, so shown).
        static func isHidden(_ key: String, below prefix: String) -> Bool {
            let rest = key.hasPrefix(prefix) ? key.dropFirst(prefix.count) : key[...]
            return rest.split(separator: "/").contains { $0.hasPrefix(".") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove an object (or, with --recursive, everything under a prefix).")

        @Argument(help: "A path, file:///path or s3://bucket/key.") var location: String
        @Flag(name: [.short, .long], help: "Remove every object under the prefix or folder.") var recursive = false
        @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

        func run() async throws {
            let parsed = try storeLocation(location)
            var count = 1
            do {
                if recursive {
                    let store = StoreFactory.open(parsed)
                    let keys = try await store.listAll(prefix: "").map(\.key)
                    count = keys.count
                    if let s3 = store as? S3Store {
                        try await s3.delete(keys: keys)
                    } else {
                        for key in keys { try await store.delete(key: key) }
                    }
                } else {
                    let (store, key) = StoreFactory.object(parsed)
                    guard !key.isEmpty else { throw CommandEnd(.usage, "\(location): names a bucket or folder; use --recursive") }
                    if case .local(let path) = parsed, isDirectory(path) {
                        throw CommandEnd(.usage, "\(location): is a folder; use --recursive to remove everything in it")
                    }
                    try await store.delete(key: key)
                }
            } catch {
                throw storeEnd(error)
            }
            if !quiet { print("removed \(count) object\(count == 1 ? "" : "s")") }
        }
    }

    struct Cat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cat", abstract: "Write an object's bytes to standard output.")

        @Argument(help: "A path, file:///path or s3://bucket/key.") var location: String

        func run() async throws {
            let (store, key) = try StoreFactory.object(storeLocation(location))
            do {
                let data = try await store.read(key: key)
                StandardStream.output.write(data)
            } catch {
                throw storeEnd(error)
            }
        }
    }
}

/// Parse a location, ending the command with the usage exit code when it is malformed.
private func storeLocation(_ text: String) throws -> StoreLocation {
    do {
        return try StoreLocation(parsing: text)
    } catch {
        throw storeEnd(error)
    }
}

private func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

/// The end of a command that met a store failure: its one-line description and the exit code
/// that matches it. A `CommandEnd` passes through unchanged.
func storeEnd(_ error: any Error) -> CommandEnd {
    if let end = error as? CommandEnd { return end }
    if error is CocoaError || error is POSIXError { return CommandEnd(.ioError, StoreError.systemReason(error)) }
    guard let error = error as? StoreError else { return CommandEnd(.storeError, "\(error)") }
    switch error {
    case .notFound: return CommandEnd(.noInput, error.description)
    case .badLocation: return CommandEnd(.usage, error.description)
    case .keyEscapesRoot: return CommandEnd(.dataError, error.description)
    case .io: return CommandEnd(.ioError, error.description)
    case .refused, .unreachable, .corrupt: return CommandEnd(.storeError, error.description)
    }
}


extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// The progress bar of a recursive copy, made on the first report (the total is known only
/// after listing).
final class TransferProgress: @unchecked Sendable {  // `bar` is guarded by `lock`
    private let lock = NSLock()
    private var bar: ProgressBar?
    private let label: String

    init(label: String = "copy") { self.label = label }

    func report(done: Int, total: Int, bytesDone: Int64, bytesTotal: Int64) {
        let bar = lock.withLock {
            if self.bar == nil { self.bar = ProgressBar(label: label, total: total) }
            return self.bar!
        }
        bar.update(done: done, detail: "\(formatBytes(bytesDone)) of \(formatBytes(bytesTotal))")
    }

    func finish() { lock.withLock { bar }?.finish() }
}

/// A progress bar in megabytes for one large object, fed byte counts from several tasks.
final class ByteProgress: @unchecked Sendable {  // `done` is guarded by `lock`
    private let lock = NSLock()
    private let bar: ProgressBar
    private var done: Int64 = 0

    init(label: String, bytes: Int64) {
        bar = ProgressBar(label: "\(label) (MB)", total: Int(bytes / 1_000_000))
    }

    func add(_ bytes: Int64) {
        let total = lock.withLock { done += bytes; return done }
        bar.update(done: Int(total / 1_000_000))
    }

    func finish() { bar.finish() }
}
