import Foundation
import ObjectStore

/// Local copies of remote recipes, refreshed by ETag: a studio updates a recipe in its bucket and
/// every machine picks up the new version on its next run, while unchanged recipes are not downloaded
/// again. A cached copy runs only when the store confirms it is current, or, with `offline`, when the
/// store cannot be reached (with a warning naming its age). Lives in `$XDG_CACHE_HOME/blendbatch/recipes` (else `~/.cache/blendbatch/recipes`).
public struct RecipeCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> RecipeCache {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache"
        return RecipeCache(directory: base + "/blendbatch/recipes")
    }

    /// What a fetch did, for tests and `--log-level debug`.
    public enum Outcome: Sendable, Equatable {
        case downloaded, cached
        /// The store could not be reached and `offline` allowed the cached copy, saved `age` seconds ago.
        case offline(age: TimeInterval)
    }

    /// The text of `key` in `store` (whose address is `url`), from the cache when the store's ETag
    /// (`knownETag` if a listing already gave it) matches the cached copy's. An unreachable store is
    /// `RecipeError.unavailable` naming `url`, unless `offline` and a copy is cached.
    public func fetch(_ key: String, from store: any ObjectStore, url: String, knownETag: String? = nil,
                      offline: Bool = false) async throws -> (text: String, outcome: Outcome) {
        let file = directory + "/" + Self.fileName(for: url)
        let cachedTag = try? String(contentsOfFile: file + ".etag", encoding: .utf8)
        let cachedText = try? String(contentsOfFile: file, encoding: .utf8)
        var etag = knownETag
        if etag == nil {
            do {
                guard let info = try await store.head(key: key) else { throw RecipeError.notFound("no recipe at \(url)") }
                etag = info.etag
            } catch let error as RecipeError {
                throw error
            } catch {
                if offline, let cachedText { return (cachedText, .offline(age: age(of: file))) }
                throw RecipeError.unavailable("cannot reach \(url) to confirm the cached recipe is current: \(error)"
                                              + (cachedText == nil ? "" : " (--offline runs the cached copy)"))
            }
        }
        if let etag, let cachedTag, let cachedText, etag == cachedTag { return (cachedText, .cached) }
        let data: Data
        do { data = try await store.read(key: key) } catch {
            throw RecipeError.unavailable("cannot fetch \(url): \(error)")
        }
        let text = String(decoding: data, as: UTF8.self)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? data.write(to: URL(fileURLWithPath: file), options: .atomic)
        if let etag { try? etag.write(toFile: file + ".etag", atomically: true, encoding: .utf8) }
        return (text, .downloaded)
    }

    /// Seconds since the cached copy at `file` was saved.
    private func age(of file: String) -> TimeInterval {
        let saved = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? Date()
        return max(0, Date().timeIntervalSince(saved))
    }

    /// "3 h", "2 days": an age for a warning.
    public static func describe(age: TimeInterval) -> String {
        switch age {
        case ..<120: "\(Int(age)) s"
        case ..<7200: "\(Int(age / 60)) min"
        case ..<172_800: "\(Int(age / 3600)) h"
        default: "\(Int(age / 86_400)) days"
        }
    }

    /// A flat, readable file name for a URL: `s3___studio_recipes_preview.lua`.
    static func fileName(for url: String) -> String {
        String(url.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }
}
