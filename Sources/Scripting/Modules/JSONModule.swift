import Foundation
import LuaKit

extension LuaModule {
    /// `json`: read and write JSON (manifests, reports, studio config) from sandboxed recipes.
    static let json = LuaModule("json", doc: """
        JSON for recipes: json.decode(text) -> value, json.encode(value [, {pretty=true}]) -> text.
        Arrays are Lua sequences (1-based), objects are tables with string keys; JSON null becomes nil
        (so it leaves no key behind). An empty table encodes as [].
        """) { m in
        m.function("decode", doc: """
            json.decode(text) -> value | nil, message, 'data_error'
            Parse JSON text (an object, array, string, number, boolean) of at most 64 MiB. Integers stay integers.
            Example: local m = json.decode(store.read(job.folder .. '/manifest.json')); print(m.input)
            """) { args in
            let text = try args.string(1)
            guard text.utf8.count <= Self.decodeLimit else {
                return .failure("json.decode: \(text.utf8.count >> 20) MiB of text; it reads at most \(Self.decodeLimit >> 20) MiB", code: "data_error")
            }
            do {
                return .value(try JSONDecoder().decode(LuaValue.self, from: Data(text.utf8)))
            } catch {
                return .failure("json.decode: not valid JSON (\(Self.reason(error)))", code: "data_error")
            }
        }
        m.function("encode", doc: """
            json.encode(value [, {pretty=true}]) -> text
            Write a Lua value as JSON; keys are sorted so the same table always gives the same text.
            Functions, userdata, a table that contains itself, nesting deeper than 100 levels and more
            than a million values cannot be encoded (bad argument).
            """) { args in
            let value: LuaValue
            do { value = try args.stack.copy(at: args.index(1)) } catch let error as LuaCopyError {
                throw args.error(1, "cannot encode as JSON: \(error)")
            }
            if case .opaque(let type) = value { throw args.error(1, "cannot encode a \(type) as JSON") }
            let pretty = try args.optionalTable(2)?.tableValue?["pretty"]?.boolValue ?? false
            let encoder = JSONEncoder()
            encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
            return .value(.string(String(decoding: try encoder.encode(value), as: UTF8.self)))
        }
    }

    /// The most text `json.decode` reads: its values take several times that in Swift, outside the
    /// Lua state's memory limit.
    static let decodeLimit = 64 << 20

    /// The decoder's complaint in a few words (no Swift type names).
    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "\(error)"
    }
}
