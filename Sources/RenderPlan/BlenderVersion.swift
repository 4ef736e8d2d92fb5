/// A Blender release, `major.minor[.patch]`: the version that saved a .blend (`BlendInfo.blenderVersion`,
/// from the file header) or the version of a Blender that would render it (`blender --version`,
/// `bpy.app.version`). Compared by major, then minor, then patch.
public struct BlenderVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int?

    public init(_ major: Int, _ minor: Int, _ patch: Int? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// `"4.5"`, `"4.5.3"`, `"Blender 4.5.3 LTS"`, `"5.0.1 Alpha"`, or a file version such as `"405"`
    /// (the header's three digits: 2.79 is 279, 4.5 is 405, 5.0 is 500). Nil when there is no version.
    public init?(parsing text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard let word = words.first(where: { $0.first?.isNumber == true }) else { return nil }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1, word.count == 3, let code = Int(word) {
            self.init(fileVersion: code)
            return
        }
        guard parts.count >= 2, parts.count <= 3, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        var patch: Int?
        if parts.count == 3 {
            guard let value = Int(parts[2]) else { return nil }
            patch = value
        }
        self.init(major, minor, patch)
    }

    /// From the header's `BLENDER_FILE_VERSION` (279 → 2.79, 405 → 4.5, 500 → 5.0).
    public init(fileVersion: Int) {
        self.init(fileVersion / 100, fileVersion % 100)
    }

    /// `4.5` or `4.5.3`.
    public var description: String { patch.map { "\(major).\(minor).\($0)" } ?? "\(major).\(minor)" }

    /// The same release line, without the patch (`4.5.3` → `4.5`): what a .blend records.
    public var series: BlenderVersion { BlenderVersion(major, minor) }

    public static func < (a: BlenderVersion, b: BlenderVersion) -> Bool {
        (a.major, a.minor, a.patch ?? 0) < (b.major, b.minor, b.patch ?? 0)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = BlenderVersion(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a Blender version"))
        }
        self = version
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Whether a Blender can open a .blend: a file is read safely only by the release line that saved it
/// or a later one (an older Blender crashes on a newer file, or silently drops data).
public enum BlenderCompatibility: Sendable, Equatable {
    /// The renderer is the file's release line or newer.
    case compatible
    /// A newer minor of the renderer's major saved it: Blender usually opens it, with warnings.
    case newerMinor(file: BlenderVersion, renderer: BlenderVersion)
    /// A newer major saved it: older Blender cannot read it.
    case tooOld(file: BlenderVersion, renderer: BlenderVersion)

    public init(file: BlenderVersion, renderer: BlenderVersion) {
        if file.series <= renderer.series {
            self = .compatible
        } else if file.major == renderer.major {
            self = .newerMinor(file: file.series, renderer: renderer)
        } else {
            self = .tooOld(file: file.series, renderer: renderer)
        }
    }
}
