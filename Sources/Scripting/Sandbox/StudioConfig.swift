import Foundation
import LuaKit

/// What the people running blendbatch decide about recipes, never a recipe itself: which recipe
/// origins are trusted (they run with all of Lua, as with `--trust`), which programs sandboxed
/// recipes may name (`blender=`, `worker=`, `ffmpeg=`), which hosts their `notify.webhook` may post
/// to, the Lua limits, where the studio's recipes are, and what a submission starts from
/// (`blendbatch config --json` prints it for the add-on).
///
/// Read from `/etc/blendbatch/config.json` (the studio's, pinned by whoever administers the
/// machine), then `$XDG_CONFIG_HOME/blendbatch/config.json` (else `~/.config/…`): lists add up, a
/// number in the user's file wins. `$BLENDBATCH_CONFIG` names one file to read instead of both.
///
/// ```json
/// { "trusted_recipes": ["s3://studio-pipeline/recipes/", "/opt/studio/recipes"],
///   "allowed_programs": ["/opt/blender-4.2/blender"],
///   "notify_hosts": ["hooks.slack.com", "studio.webhook.office.com", "ntfy.studio.lan"],
///   "lua_memory_limit": "2GiB", "recipe_depth_limit": 8,
///   "recipe_path": ["s3://studio-pipeline/recipes/"],
///   "defaults": { "backend": "aws", "queue": "blendbatch-render", "out": "s3://studio-renders/jobs" } }
/// ```
public struct StudioConfig: Sendable, Equatable {
    /// Recipe folders and store prefixes whose recipes run trusted.
    public var trustedRecipes: [String] = []
    /// Programs a sandboxed recipe may name.
    public var allowedPrograms: [String] = []
    /// Hosts a sandboxed recipe's `notify.webhook` may post to (exactly these names).
    public var notifyHosts: [String] = []
    /// Bytes a recipe's Lua state may hold (`$BLENDBATCH_LUA_MEMORY_LIMIT` overrides it).
    public var luaMemoryLimit = LuaState.defaultMemoryLimit
    /// How deep `recipes.run` may nest.
    public var recipeDepthLimit = 8
    /// Recipe folders and store prefixes searched after `$BLENDBATCH_RECIPE_PATH` (the studio's file first).
    public var recipePath: [String] = []
    /// What a submission starts from, by setting name (the user's file wins per name).
    public var defaults = SubmitDefaults()
    /// The files read, for messages.
    public var files: [String] = []

    public init() {}

    /// Where a Lua state keeps the configuration it was made with (`userInfo`).
    static let key = "studio.config"

    /// A config file or setting that cannot be used: one line naming it.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The configuration for this process.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) -> StudioConfig {
        var config = StudioConfig()
        let files: [String]
        if let only = environment["BLENDBATCH_CONFIG"], !only.isEmpty {
            files = [only]
        } else {
            let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? environment["HOME"].map { $0 + "/.config" }
            files = ["/etc/blendbatch/config.json"] + (base.map { [$0 + "/blendbatch/config.json"] } ?? [])
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                if environment["BLENDBATCH_CONFIG"] == file { throw Problem(description: "\(file): cannot read the configuration (BLENDBATCH_CONFIG)") }
                continue
            }
            try config.merge(data, from: file)
        }
        if let text = environment["BLENDBATCH_LUA_MEMORY_LIMIT"], !text.isEmpty {
            guard let bytes = Self.bytes(text) else {
                throw Problem(description: "BLENDBATCH_LUA_MEMORY_LIMIT=\(text): give a size such as 512MiB, 2GiB or a number of bytes")
            }
            config.luaMemoryLimit = bytes
        }
        return config
    }

    private mutating func merge(_ data: Data, from file: String) throws(Problem) {
        func bad(_ what: String) -> Problem { Problem(description: "\(file): \(what)") }
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw bad("not a JSON object; see README, Security model")
        }
        let known: Set = ["trusted_recipes", "allowed_programs", "notify_hosts", "lua_memory_limit", "recipe_depth_limit",
                          "recipe_path", "defaults"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("unknown setting '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        for (key, list) in [("trusted_recipes", \StudioConfig.trustedRecipes), ("allowed_programs", \StudioConfig.allowedPrograms),
                            ("notify_hosts", \StudioConfig.notifyHosts), ("recipe_path", \StudioConfig.recipePath)] {
            guard let value = fields[key] else { continue }
            guard let items = value as? [String] else { throw bad("\(key) must be a list of strings") }
            self[keyPath: list] += items
        }
        if let value = fields["lua_memory_limit"] {
            guard let bytes = (value as? String).flatMap(Self.bytes) ?? (value as? Int).flatMap({ $0 > 0 ? $0 : nil }) else {
                throw bad("lua_memory_limit: give a size such as \"512MiB\", \"2GiB\" or a number of bytes")
            }
            luaMemoryLimit = bytes
        }
        if let value = fields["recipe_depth_limit"] {
            guard let depth = value as? Int, (1...15).contains(depth) else { throw bad("recipe_depth_limit: give a number from 1 to 15") }
            recipeDepthLimit = depth
        }
        if let value = fields["defaults"] {
            do { try defaults.merge(value) } catch { throw bad("defaults: \(error.description)") }
        }
        files.append(file)
    }

    /// `512MiB`, `2GiB`, `64M`, `1048576` as bytes; nil when it is not a positive size.
    static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = Int(digits), number > 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Int? = switch unit {
        case "", "b": 1
        case "k", "kb", "kib": 1 << 10
        case "m", "mb", "mib": 1 << 20
        case "g", "gb", "gib": 1 << 30
        default: nil
        }
        guard let scale else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    /// Whether the studio trusts a recipe from `location` (a path or URL).
    public func trusts(recipeAt location: String) -> Bool {
        guard let place = LocationScope(location) else { return false }
        return trustedRecipes.compactMap(LocationScope.init).contains { $0.covers(place) }
    }
}
