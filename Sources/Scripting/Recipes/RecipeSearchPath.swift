import Foundation
public import ObjectStore

/// Where recipes are looked up, in order (the first recipe of a name wins, like `PATH`):
/// `$BLENDBATCH_RECIPE_PATH` (colon-separated folders or store prefixes such as
/// `s3://studio-pipeline/recipes/`), then the studio config's `recipe_path`, then
/// `$XDG_CONFIG_HOME/blendbatch/recipes` (else `~/.config/blendbatch/recipes`), then the bundled recipes.
public struct RecipeSearchPath: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var location: StoreLocation
        /// `path` (from BLENDBATCH_RECIPE_PATH), `studio` (the config's `recipe_path`), `user` or `bundled`.
        public var kind: String
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The standard search path for this process.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executable: String = CommandLine.arguments.first ?? "") -> RecipeSearchPath {
        var entries = rejoinURLs(environment["BLENDBATCH_RECIPE_PATH"] ?? "").compactMap { text in
            (try? StoreLocation(parsing: text)).map { Entry(location: $0, kind: "path") }
        }
        // A config that cannot be read is reported where it is used (running a recipe), not here.
        for text in (try? StudioConfig.load(environment: environment))?.recipePath ?? [] {
            if let location = try? StoreLocation(parsing: text) { entries.append(Entry(location: location, kind: "studio")) }
        }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? environment["HOME"].map { $0 + "/.config" }
        if let config { entries.append(Entry(location: .local(path: config + "/blendbatch/recipes"), kind: "user")) }
        if let bundled = bundledFolder(environment: environment, executable: executable) {
            entries.append(Entry(location: .local(path: bundled), kind: "bundled"))
        }
        return RecipeSearchPath(entries: entries)
    }

    /// Split a colon-separated path whose entries may be URLs (`s3://a/b:/local`).
    static func rejoinURLs(_ text: String) -> [String] {
        var out: [String] = []
        for part in text.split(separator: ":", omittingEmptySubsequences: false).map(String.init) {
            if part.hasPrefix("//"), let last = out.last, !last.contains("/") {
                out[out.count - 1] = last + ":" + part
            } else {
                out.append(part)
            }
        }
        return out.filter { !$0.isEmpty }
    }

    /// The bundled `recipes/` folder: `$BLENDBATCH_RECIPES_DIR`, else `<prefix>/share/blendbatch/recipes`
    /// next to an installed binary, else a `recipes/` folder in a parent of the executable (a build
    /// inside the repository), else `recipes/` in the current folder's repository.
    public static func bundledFolder(environment: [String: String], executable: String) -> String? {
        let fm = FileManager.default
        if let dir = environment["BLENDBATCH_RECIPES_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        candidates.append(dir.deletingLastPathComponent().appendingPathComponent("share/blendbatch/recipes").path)
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("recipes").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(fm.currentDirectoryPath + "/recipes")
        return candidates.first { path in
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
                && ((try? fm.contentsOfDirectory(atPath: path))?.contains { $0.hasSuffix(".lua") } ?? false)
        }
    }
}
