import BlendFile
import Foundation
import RenderPlan

/// A .blend and the external files it uses, laid out as they are on this machine below one common
/// folder: what a machine without this disk (an AWS Batch task) downloads to render it.
///
/// Relative references (`//textures/wood.png`, `//../lib/props.blend`) travel: with the layout kept,
/// Blender finds them again. Linked libraries are followed (their own references are relative to
/// the library's folder). Image sequences, UDIM tiles, movies, sounds and caches are carried file by
/// file. Absolute references cannot travel without rewriting the .blend, and missing files cannot
/// travel at all: both are reported.
public struct InputBundle: Sendable, Equatable {
    /// A reference the bundle does not carry, and which file holds it.
    public struct Reference: Sendable, Equatable, CustomStringConvertible {
        /// The .blend (main file or library) that refers to it, as an absolute path.
        public var holder: String
        /// The path as stored in that .blend.
        public var path: String
        public var description: String { "\(path) (in \((holder as NSString).lastPathComponent))" }
    }

    /// The folder every carried file is below (absolute).
    public var root: String
    /// The .blend to render, relative to `root`.
    public var blend: String
    /// Every carried file relative to `root`, the .blend first, each once.
    public var files: [String]
    /// References by absolute path: workers see them only if the same path exists there.
    public var absolute: [Reference]
    /// References to files that do not exist here (Blender renders missing images magenta).
    public var missing: [Reference]
    /// Linked libraries that exist but could not be read for their own references.
    public var unreadable: [Reference]
    /// The Blender release that saved the .blend and each library read (absolute paths): a renderer
    /// must open all of them.
    public var savedBy: [String: BlenderVersion]

    /// True when the .blend is all there is to carry.
    public var isSingleFile: Bool { files.count == 1 }

    /// Collect what `blendPath` (a local .blend) needs. Throws `BlendError` when the .blend itself cannot be read.
    public static func collect(blend blendPath: String) throws(BlendError) -> InputBundle {
        let main = (blendPath as NSString).standardizingPath
        var collector = Collector()
        collector.carry(main)
        collector.follow(blend: main, info: try BlendFileReader.read(path: main))
        let root = commonFolder(collector.carried.map { ($0 as NSString).deletingLastPathComponent })
        func relative(_ path: String) -> String { String(path.dropFirst(root == "/" ? 1 : root.count + 1)) }
        return InputBundle(root: root, blend: relative(main), files: collector.carried.map(relative),
                           absolute: collector.absolute, missing: collector.missing, unreadable: collector.unreadable,
                           savedBy: collector.savedBy)
    }

    /// One line per kind of reference that does not travel, saying what it means for the render and what to do.
    public var warnings: [String] { [absoluteWarning, missingWarning, unreadableWarning].compactMap { $0 } }

    /// About absolute references (nil when there are none).
    public var absoluteWarning: String? {
        absolute.isEmpty ? nil : "\(absolute.count) absolute path\(absolute.count == 1 ? "" : "s") cannot travel with the .blend: "
            + Self.list(absolute) + "; workers need them at the same place, or make them relative in Blender "
            + "(File › External Data › Make Paths Relative) and save"
    }

    /// About missing files (nil when there are none): a render here shows them too.
    public var missingWarning: String? {
        missing.isEmpty ? nil : "\(missing.count) file\(missing.count == 1 ? " is" : "s are") missing here: " + Self.list(missing)
            + "; Blender renders missing images magenta"
    }

    /// About libraries that could not be searched (nil when there are none).
    public var unreadableWarning: String? {
        unreadable.isEmpty ? nil : "linked librar\(unreadable.count == 1 ? "y" : "ies") carried but not searched for their own files: "
            + Self.list(unreadable)
    }

    private static func list(_ references: [Reference]) -> String {
        references.prefix(3).map(\.description).joined(separator: ", ") + (references.count > 3 ? " and \(references.count - 3) more" : "")
    }

    /// The deepest folder that holds every one of `folders` (absolute, standardized).
    static func commonFolder(_ folders: [String]) -> String {
        guard var common = folders.first.map({ $0.split(separator: "/", omittingEmptySubsequences: true) }) else { return "/" }
        for folder in folders.dropFirst() {
            let parts = folder.split(separator: "/", omittingEmptySubsequences: true)
            common = Array(zip(common, parts).prefix { $0 == $1 }.map(\.0))
        }
        return "/" + common.joined(separator: "/")
    }

    /// Walks references depth-first; libraries already seen are not read again.
    struct Collector {
        var carried: [String] = []
        var seen: Set<String> = []
        var absolute: [Reference] = []
        var missing: [Reference] = []
        var unreadable: [Reference] = []
        var savedBy: [String: BlenderVersion] = [:]

        mutating func carry(_ path: String) {
            if seen.insert(path).inserted { carried.append(path) }
        }

        mutating func follow(blend holder: String, info: BlendInfo) {
            savedBy[holder] = BlenderVersion(parsing: info.blenderVersion)
            let folder = (holder as NSString).deletingLastPathComponent
            for dependency in info.dependencies {
                let reference = Reference(holder: holder, path: dependency.path)
                guard dependency.path.hasPrefix("//") else {
                    if !dependency.path.isEmpty { absolute.append(reference) }
                    continue
                }
                let stored = dependency.path.dropFirst(2).replacingOccurrences(of: "\\", with: "/")
                let path = ((folder as NSString).appendingPathComponent(stored) as NSString).standardizingPath
                let files = Self.files(for: path, nature: dependency.nature)
                guard !files.isEmpty else { missing.append(reference); continue }
                let isNewLibrary = dependency.kind == .library && !seen.contains(path)
                files.forEach { carry($0) }
                guard isNewLibrary else { continue }
                do { follow(blend: path, info: try BlendFileReader.read(path: path)) } catch { unreadable.append(reference) }
            }
        }

        /// The files on disk one stored path stands for: the file itself, or every frame of a
        /// sequence / tile of a UDIM set in its folder.
        static func files(for path: String, nature: Dependency.Nature) -> [String] {
            let manager = FileManager.default
            switch nature {
            case .file, .movie:
                var isDirectory: ObjCBool = false
                return manager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue ? [path] : []
            case .sequence, .udim:
                let folder = (path as NSString).deletingLastPathComponent
                let name = (path as NSString).lastPathComponent
                guard let pattern = numberedPattern(name),
                      let names = try? manager.contentsOfDirectory(atPath: folder) else { return [] }
                return names.filter { pattern.matches($0) }.sorted().map { folder + "/" + $0 }
            }
        }

        /// `frame_0001.png` → `frame_` + digits + `.png`; `wood.<UDIM>.png` → `wood.` + 4 digits + `.png`.
        static func numberedPattern(_ name: String) -> NumberedName? {
            for token in ["<UDIM>", "<UVTILE>"] {
                if let range = name.range(of: token) {
                    return NumberedName(prefix: String(name[..<range.lowerBound]), suffix: String(name[range.upperBound...]),
                                        tile: token == "<UVTILE>")
                }
            }
            let characters = Array(name)
            guard let last = characters.lastIndex(where: \.isASCIIDigit) else { return nil }
            var first = last
            while first > 0 && characters[first - 1].isASCIIDigit { first -= 1 }
            return NumberedName(prefix: String(characters[..<first]), suffix: String(characters[(last + 1)...]), tile: false)
        }
    }

    /// A file name with a number (or a `u1_v1` tile) between a fixed prefix and suffix.
    struct NumberedName {
        var prefix: String
        var suffix: String
        var tile: Bool

        func matches(_ name: String) -> Bool {
            guard name.count > prefix.count + suffix.count, name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            if tile {
                let parts = middle.split(separator: "_")
                return parts.count == 2 && parts[0].hasPrefix("u") && parts[1].hasPrefix("v")
                    && parts.allSatisfy { $0.dropFirst().allSatisfy(\.isASCIIDigit) && $0.count > 1 }
            }
            return middle.allSatisfy(\.isASCIIDigit)
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
