import Foundation

/// Lua Language Server definition files (`---@meta`) written from the same declarations `help()`
/// prints: each module's functions, each host object's methods and properties, so an editor
/// completes and checks recipe code. Parameter and return types come from the first doc line
/// (`render.submit{...} -> job | nil, err, code`); the rest of the doc becomes the description.
public enum LuaStubs {
    /// The definition file of `module`.
    public static func module(_ module: LuaModule, types: [String: String] = [:]) -> String {
        var lines = ["---@meta \(module.name)", ""] + comment(module.doc) + ["---@class \(module.name)lib", "local \(module.name) = {}", ""]
        for constant in module.constants {
            lines += ["---@type \(luaType(of: constant.value))", "\(module.name).\(constant.name) = nil", ""]
        }
        for function in module.functions {
            lines += definition(owner: module.name, separator: ".", name: function.name, doc: function.doc, types: types)
        }
        lines += ["return \(module.name)", ""]
        return lines.joined(separator: "\n")
    }

    /// The class of host object type `T` as `name` (e.g. `blendbatch.Job`).
    public static func objectClass<T: LuaObject>(_ type: T.Type, types: [String: String] = [:]) -> String {
        let members = LuaMembers<T>()
        T.luaMembers(members)
        let local = localName(T.luaTypeName)
        var lines = ["---@class \(T.luaTypeName)"]
        for (name, property) in members.properties.sorted(by: { $0.key < $1.key }) {
            lines.append("---@field \(name) \(returnType(property.doc, types: types)) \(firstLine(property.doc))")
        }
        lines += ["local \(local) = {}", ""]
        for method in members.methods {
            lines += definition(owner: local, separator: ":", name: method.name, doc: method.doc, types: types)
        }
        return lines.joined(separator: "\n")
    }

    /// A class of plain fields (a report, an info table): `fields` as name → Lua type.
    public static func fieldsClass(_ name: String, doc: String, fields: [(name: String, type: String)]) -> String {
        (comment(doc) + ["---@class \(name)"] + fields.map { "---@field \($0.name) \($0.type)" } + [""]).joined(separator: "\n")
    }

    /// The method or function names a definition file defines (`render.submit`, `Job:wait`).
    public static func definedFunctions(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("function "), let paren = line.firstIndex(of: "(") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 9)..<paren])
        }
    }

    /// The name a class's table gets in its file (`blendbatch.Job` → `Job`).
    public static func localName(_ typeName: String) -> String {
        String(typeName.split(separator: ".").last ?? Substring(typeName)).filter { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    // MARK: Pieces

    static func definition(owner: String, separator: String, name: String, doc: String, types: [String: String]) -> [String] {
        let signature = firstLine(doc)
        var lines = comment(doc)
        let parameters = self.parameters(signature, name: name)
        for parameter in parameters where parameter.name != "..." {
            lines.append("---@param \(parameter.name)\(parameter.optional ? "?" : "") \(parameter.type)")
        }
        if parameters.contains(where: { $0.name == "..." }) { lines.append("---@param ... any") }
        let result = returnType(signature, types: types)
        if result != "nil" {
            lines.append("---@return \(result)")
            if signature.contains("nil, err") || signature.contains("nil, message") {
                lines += ["---@return string? err", "---@return string? code"]
            }
        }
        lines.append("function \(owner)\(separator)\(name)(\(parameters.map(\.name).joined(separator: ", "))) end")
        return lines + [""]
    }

    /// Parameters of `name(a, b [, c])` or `name{...}` (one table) in a signature line.
    static func parameters(_ signature: String, name: String) -> [(name: String, type: String, optional: Bool)] {
        guard let at = signature.range(of: name) else { return [] }
        let rest = signature[at.upperBound...]
        if rest.hasPrefix("{") { return [("opts", "table", false)] }
        guard rest.hasPrefix("("), let close = rest.firstIndex(of: ")") else { return [] }
        let inside = rest[rest.index(after: rest.startIndex)..<close]
        var result: [(name: String, type: String, optional: Bool)] = []
        var optional = false
        for (index, raw) in inside.split(separator: ",").enumerated() {
            if raw.contains("[") { optional = true }
            var word = raw.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
                .trimmingCharacters(in: .whitespaces)
            var type = "any"
            if word.hasPrefix("{") { word = "opts"; type = "table" }
            word = String(word.prefix { $0 != "=" && $0 != " " })
            if word == "..." { result.append(("...", "any", true)); continue }
            if word.isEmpty || !(word.first!.isLetter || word.first == "_") || !word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                word = "arg\(index + 1)"
            }
            if keywords.contains(word) { word += "_" }
            if type == "any" { type = guessType(word) }
            if result.contains(where: { $0.0 == word }) { word += "\(index + 1)" }
            result.append((word, type, optional))
        }
        return result
    }

    /// Lua's reserved words, which cannot name a parameter.
    static let keywords: Set = ["and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
                                "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"]

    static func guessType(_ name: String) -> String {
        switch name {
        case "path", "text", "expr", "name", "url", "key", "prefix", "spec", "file", "code", "message", "id": "string"
        case "n", "count", "size", "frame", "seconds": "integer"
        case "options", "opts", "set", "manifest": "table"
        default: "any"
        }
    }

    /// The Lua type of the first result after `->` (`job | nil, err` → `blendbatch.Job|nil`).
    static func returnType(_ signature: String, types: [String: String]) -> String {
        guard let arrow = signature.range(of: "->") else { return "nil" }
        let first = signature[arrow.upperBound...].split(separator: ",").first.map(String.init) ?? ""
        let alternatives = first.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let mapped = alternatives.map { word -> String in
            if let known = types[word] { return known }
            switch word {
            case "string", "text", "path", "url": return "string"
            case "int", "integer": return "integer"
            case "number", "seconds": return "number"
            case "true", "false", "bool", "boolean": return "boolean"
            case "nil": return "nil"
            default: return word.hasPrefix("{") ? "table" : (word.hasPrefix("'") ? "string" : "any")
            }
        }
        let unique = mapped.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return unique.isEmpty ? "any" : unique.joined(separator: "|")
    }

    static func comment(_ doc: String) -> [String] {
        doc.split(separator: "\n", omittingEmptySubsequences: false).map { "---" + $0 }
    }

    static func firstLine(_ doc: String) -> String {
        String(doc.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    static func luaType(of value: LuaValue) -> String {
        switch value {
        case .string: "string"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .table, .array: "table"
        default: "any"
        }
    }
}
