import Foundation
public import ObjectStore

/// A recipe's text and where it came from.
public struct RecipeSource: Sendable {
    /// The file name without `.lua` (the name used when the declaration gives none).
    public var name: String
    public var text: String
    /// A path or URL, as shown to the user and in error messages (`preview.lua:3:`).
    public var location: String
    /// Which search-path entry held it: `bundled`, `user`, `path`, or `file` for explicit locations.
    public var origin: String
    public var isRemote: Bool
    /// Said on stderr before it runs: a cached copy run `--offline`, its age.
    public var warning: String? = nil

    /// The chunk name for Lua (`@location`).
    public var chunkName: String { "@" + location }

    /// The declaration, read without running the recipe (nil for a plain script).
    public func declaration() throws -> RecipeDeclaration? {
        try RecipeDeclaration.read(source: text, chunkName: chunkName, fallbackName: name)
    }
}

/// One line of `blendbatch recipes`.
public struct RecipeListing: Sendable {
    public var source: RecipeSource
    public var declaration: RecipeDeclaration?
    /// Why the declaration could not be read.
    public var problem: String?
    /// Another recipe of the same name earlier in the path hides this one.
    public var shadowed: Bool
}

/// Finds recipes on the search path, reading remote ones through the ETag cache.
public struct RecipeLibrary: Sendable {
    public var searchPath: RecipeSearchPath
    public var cache: RecipeCache
    /// Opens the store for a search-path entry or a recipe URL.
    public var openStore: @Sendable (StoreLocation) throws -> any ObjectStore
    /// Run cached copies of remote recipes when their store cannot be reached (`--offline`,
    /// `BLENDBATCH_OFFLINE=1`); otherwise an unreachable recipe origin is an error.
    public var offline: Bool

    public init(searchPath: RecipeSearchPath = .standard(), cache: RecipeCache = .standard(),
                offline: Bool = ProcessInfo.processInfo.environment["BLENDBATCH_OFFLINE"].map { !$0.isEmpty && $0 != "0" } ?? false,
                openStore: @escaping @Sendable (StoreLocation) throws -> any ObjectStore = RecipeLibrary.defaultOpenStore) {
        self.searchPath = searchPath
        self.cache = cache
        self.offline = offline
        self.openStore = openStore
    }

    /// Folders through `LocalStore`, `s3://` through `S3Store` (AWS credentials from the environment).
    public static let defaultOpenStore: @Sendable (StoreLocation) throws -> any ObjectStore = { location in
        StoreFactory.open(location)
    }

    /// Find a recipe by name (searching the path), or by location (`./x.lua`, `/abs/x.lua`,
    /// `s3://bucket/x.lua`, `file:///x.lua`).
    public func find(_ spec: String) async throws -> RecipeSource {
        if spec.contains("://") {
            let location = try StoreLocation(parsing: spec)
            if case .local(let path) = location { return try readLocal(path, display: path, origin: "file") }
            guard case .s3(let bucket, let key) = location else { throw RecipeError.notFound("cannot read \(spec)") }
            let store = try openStore(.s3(bucket: bucket, key: ""))
            let (text, outcome) = try await cache.fetch(key, from: store, url: spec, offline: offline)
            return RecipeSource(name: Self.baseName(key), text: text, location: spec, origin: "file", isRemote: true,
                                warning: Self.warning(outcome, spec))
        }
        if Self.isLocation(spec) {
            return try readLocal(spec, display: spec, origin: "file")
        }
        for entry in searchPath.entries {
            let file = spec + ".lua"
            switch entry.location {
            case .local(let folder):
                let path = folder + "/" + file
                if FileManager.default.fileExists(atPath: path) { return try readLocal(path, display: path, origin: entry.kind) }
            case .s3:
                // An entry that cannot be reached stops the search: a recipe later on the path
                // (the bundled one) must not run in place of the studio's.
                let store = try openStore(entry.location)
                let url = entry.location.appending(file).description
                let found: Bool
                do { found = try await store.head(key: file) != nil } catch {
                    guard offline else {
                        throw RecipeError.unavailable("recipe path \(entry.location): cannot reach it to look for \(file): \(error) "
                                                      + "(no other recipe runs in its place; --offline runs a cached copy)")
                    }
                    found = true
                }
                guard found else { continue }
                let (text, outcome) = try await cache.fetch(file, from: store, url: url, offline: offline)
                return RecipeSource(name: spec, text: text, location: url, origin: entry.kind, isRemote: true,
                                    warning: Self.warning(outcome, url))
            }
        }
        let searched = searchPath.entries.map(\.location.description).joined(separator: ", ")
        throw RecipeError.notFound("no recipe named '\(spec)' (searched \(searched.isEmpty ? "nothing" : searched)); `blendbatch recipes` lists them")
    }

    /// Every recipe on the path with its declaration; `problems` names entries that could not be read.
    public func list() async -> (recipes: [RecipeListing], problems: [String]) {
        var recipes: [RecipeListing] = []
        var problems: [String] = []
        var seen = Set<String>()
        for entry in searchPath.entries {
            let sources: [RecipeSource]
            do { sources = try await self.sources(in: entry) } catch {
                problems.append("\(entry.location): \(error)")
                continue
            }
            for source in sources {
                var listing = RecipeListing(source: source, declaration: nil, problem: nil, shadowed: false)
                do { listing.declaration = try source.declaration() } catch { listing.problem = "\(error)" }
                let name = listing.declaration?.name ?? source.name
                listing.shadowed = !seen.insert(source.name).inserted || (name != source.name && !seen.insert(name).inserted)
                recipes.append(listing)
            }
        }
        return (recipes, problems)
    }

    private func sources(in entry: RecipeSearchPath.Entry) async throws -> [RecipeSource] {
        switch entry.location {
        case .local(let folder):
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
            return try names.filter { $0.hasSuffix(".lua") }.sorted().map {
                try readLocal(folder + "/" + $0, display: folder + "/" + $0, origin: entry.kind)
            }
        case .s3:
            let store = try openStore(entry.location)
            var out: [RecipeSource] = []
            for info in try await store.listAll(prefix: "") where info.key.hasSuffix(".lua") && !info.key.contains("/") {
                let url = entry.location.appending(info.key).description
                let (text, _) = try await cache.fetch(info.key, from: store, url: url, knownETag: info.etag)
                out.append(RecipeSource(name: Self.baseName(info.key), text: text, location: url, origin: entry.kind, isRemote: true))
            }
            return out
        }
    }

    private func readLocal(_ path: String, display: String, origin: String) throws -> RecipeSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecipeError.notFound("cannot read recipe '\(display)': no such file")
        }
        return RecipeSource(name: Self.baseName(path), text: String(decoding: data, as: UTF8.self),
                            location: display, origin: origin, isRemote: false)
    }

    /// The warning for a cached copy run offline.
    static func warning(_ outcome: RecipeCache.Outcome, _ url: String) -> String? {
        guard case .offline(let age) = outcome else { return nil }
        return "warning: \(url) cannot be reached; running the copy cached \(RecipeCache.describe(age: age)) ago (--offline)"
    }

    /// Whether `spec` names a file or URL rather than a recipe on the path.
    public static func isLocation(_ spec: String) -> Bool {
        spec.contains("/") || spec.hasSuffix(".lua")
    }

    static func baseName(_ path: String) -> String {
        let file = (path as NSString).lastPathComponent
        return file.hasSuffix(".lua") ? String(file.dropLast(4)) : file
    }
}
