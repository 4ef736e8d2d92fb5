import Foundation

/// The JSON every blendbatch command and file uses: pretty, sorted keys, unescaped slashes,
/// ISO 8601 dates — stable, so scripts and diffs can rely on it.
public enum StableJSON {
    /// A new encoder with blendbatch's settings.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as stable JSON text (no trailing newline).
    public static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
