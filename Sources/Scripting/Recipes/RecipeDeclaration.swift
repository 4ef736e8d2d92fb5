import Foundation
import LuaKit
import RenderPlan

/// What a recipe says about itself, read without running its body: the leading
/// `recipe { name = ..., description = ..., params = { ... } }` call is cut out of the source text and
/// evaluated alone in an empty Lua state (no libraries, a budget of a million instructions and 16 MiB).
///
/// ```lua
/// local p = recipe {
///   name = "preview",
///   description = "Quick low-resolution preview of a .blend",
///   params = {
///     { name = "file", type = "path", required = true, help = "the .blend to render" },
///     { name = "percent", type = "int", default = 25, help = "resolution percentage" },
///   },
/// }
/// print(p.file, p.percent)   -- typed values from the command line, REPL or defaults
/// ```
public struct RecipeDeclaration: Sendable, Equatable, Codable {
    public var name: String
    public var description: String
    public var parameters: [RecipeParameter]

    public init(name: String, description: String = "", parameters: [RecipeParameter] = []) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    /// The parameter called `name` (CLI spellings with `-` match `_`).
    public func parameter(named name: String) -> RecipeParameter? {
        let key = name.replacingOccurrences(of: "-", with: "_")
        return parameters.first { $0.name == key || $0.name == name }
    }

    /// Read the declaration of `source`, or nil when the recipe declares nothing (a plain script).
    /// - Parameters:
    ///   - chunkName: Lua's chunk name for messages, e.g. `@recipes/preview.lua`.
    ///   - fallbackName: the name when the declaration gives none (the file's base name).
    public static func read(source: String, chunkName: String, fallbackName: String) throws -> RecipeDeclaration? {
        var scanner = DeclarationScanner(source)
        guard let found = scanner.find() else { return nil }
        let display = chunkName.hasPrefix("@") || chunkName.hasPrefix("=") ? String(chunkName.dropFirst()) : chunkName
        let lua = try LuaState(libraries: .bare, memoryLimit: declarationMemory)
        lua.setInstructionBudget(1_000_000)
        // Pad with newlines so error positions match the file's lines.
        let code = String(repeating: "\n", count: found.line - 1) + "return " + found.text
        let value: LuaValue
        do {
            value = try lua.run(code, name: chunkName).first ?? .nil
        } catch let error as LuaError {
            if error.message.hasSuffix("not enough memory") {
                throw RecipeError.badDeclaration("\(display):\(found.line): the recipe declaration needs more than \(declarationMemory >> 20) MiB")
            }
            throw RecipeError.badDeclaration("\(error.message)")
        }
        guard let fields = value.tableValue else {
            throw RecipeError.badDeclaration("\(display):\(found.line): recipe expects a table: recipe { name = ..., params = { ... } }")
        }
        return try RecipeDeclaration(fields: fields, at: "\(display):\(found.line)", fallbackName: fallbackName)
    }

    /// What evaluating a declaration may hold.
    static let declarationMemory = 16 << 20

    /// What `extends` takes: `render.submit` gives the recipe every field of Lua's `render.submit{}`
    /// (and option of `blendbatch render`) as a parameter, with its type, default and help.
    static let extendable: [String: [RecipeParameter]] = ["render.submit": RenderRequest.fields.map { RecipeParameter(field: $0.spec) }]

    /// Build from the evaluated table; `position` prefixes messages (`file.lua:3`).
    init(fields: [String: LuaValue], at position: String, fallbackName: String) throws {
        func bad(_ message: String) -> RecipeError { .badDeclaration("\(position): recipe \(message)") }
        let known: Set = ["name", "description", "extends", "params"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("has an unknown field '\(unknown)' (expected name, description, extends, params)")
        }
        switch fields["name"] ?? .nil {
        case .nil: name = fallbackName
        case .string(let s) where !s.isEmpty: name = s
        default: throw bad("name must be a non-empty string")
        }
        switch fields["description"] ?? .nil {
        case .nil: description = ""
        case .string(let s): description = s
        default: throw bad("description must be a string")
        }
        var parameters: [RecipeParameter] = []
        switch fields["extends"] ?? .nil {
        case .nil: break
        case .string(let name):
            guard let inherited = Self.extendable[name] else {
                throw bad("extends '\(name)': use \(Self.extendable.keys.sorted().map { "'\($0)'" }.joined(separator: " or "))")
            }
            parameters = inherited
        default: throw bad("extends must be a string such as \"render.submit\"")
        }
        switch fields["params"] ?? .nil {
        case .nil: break
        case .array(let items):
            for (i, item) in items.enumerated() {
                guard let spec = item.tableValue, let n = spec["name"]?.stringValue else {
                    throw bad("params[\(i + 1)] must be a table with a name: { name = \"file\", type = \"path\" }")
                }
                parameters.append(try RecipeParameter(name: n, spec: spec, at: position))
            }
        case .table(let map):
            for key in map.keys.sorted() {
                guard let spec = map[key]?.tableValue else { throw bad("params.\(key) must be a table: { type = \"int\", default = 1 }") }
                parameters.append(try RecipeParameter(name: key, spec: spec, at: position))
            }
        default:
            throw bad("params must be a list of tables")
        }
        var seen = Set<String>()
        for p in parameters where !seen.insert(p.name).inserted { throw bad("declares parameter '\(p.name)' twice") }
        self.parameters = parameters
    }
}

/// Problems with a recipe (its declaration, its parameters, finding it).
public enum RecipeError: Error, Equatable, CustomStringConvertible {
    /// The declaration is malformed: `file.lua:3: recipe ...`.
    case badDeclaration(String)
    /// A parameter value is missing, unknown or ill-typed; the message lists what is accepted.
    case badParameter(String)
    /// No recipe by that name or location.
    case notFound(String)
    /// The recipe could not be fetched (store error).
    case unavailable(String)

    public var description: String {
        switch self {
        case .badDeclaration(let m), .badParameter(let m), .notFound(let m), .unavailable(let m): m
        }
    }
}

/// Finds the leading `recipe { ... }` / `recipe({ ... })` call in Lua source, skipping comments,
/// a shebang and an optional `local x =`. Only whitespace and comments may precede it.
struct DeclarationScanner {
    let chars: [Character]
    var i = 0
    var line = 1

    init(_ source: String) { chars = Array(source) }

    mutating func find() -> (text: String, line: Int)? {
        if chars.first == "#" { while i < chars.count, chars[i] != "\n" { i += 1 } }
        skipSpace()
        if word() == "local" {
            _ = readWord(); skipSpace()
            guard readWord() != nil else { return nil }
            skipSpace()
            guard peek() == "=" else { return nil }
            i += 1; skipSpace()
        }
        guard readWord() == "recipe" else { return nil }
        skipSpace()
        guard let open = peek(), open == "{" || open == "(" else { return nil }
        let startLine = line
        let start = i
        guard skipBalanced() else { return nil }
        return (String(chars[start..<i]), startLine)
    }

    func peek(_ offset: Int = 0) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }

    func word() -> String? {
        var j = i
        while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
        return j > i ? String(chars[i..<j]) : nil
    }

    mutating func readWord() -> String? {
        guard let w = word() else { return nil }
        i += w.count
        return w
    }

    mutating func advance() {
        if chars[i] == "\n" { line += 1 }
        i += 1
    }

    mutating func skipSpace() {
        while i < chars.count {
            if chars[i].isWhitespace { advance() }
            else if peek() == "-", peek(1) == "-" { skipComment() }
            else { return }
        }
    }

    mutating func skipComment() {
        i += 2
        if peek() == "[", let level = longBracketLevel() { skipLong(level); return }
        while i < chars.count, chars[i] != "\n" { i += 1 }
    }

    /// At `[`, the level of a long bracket `[==[`, or nil.
    func longBracketLevel() -> Int? {
        var j = i + 1, level = 0
        while j < chars.count, chars[j] == "=" { level += 1; j += 1 }
        return j < chars.count && chars[j] == "[" ? level : nil
    }

    mutating func skipLong(_ level: Int) {
        i += level + 2
        let close: [Character] = ["]"] + Array(repeating: "=", count: level) + ["]"]
        while i < chars.count {
            if chars[i] == "]", i + close.count <= chars.count, Array(chars[i..<i + close.count]) == close {
                i += close.count
                return
            }
            advance()
        }
    }

    mutating func skipString(_ quote: Character) {
        i += 1
        while i < chars.count, chars[i] != quote {
            if chars[i] == "\\" { i += 1 }
            if i < chars.count { advance() }
        }
        i += 1
    }

    /// Skip a balanced `{...}` or `(...)` group; false when the source ends first.
    mutating func skipBalanced() -> Bool {
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "{", "(", "[":
                if c == "[", let level = longBracketLevel() { skipLong(level); continue }
                depth += 1; i += 1
            case "}", ")", "]":
                depth -= 1; i += 1
                if depth == 0 { return true }
            case "\"", "'": skipString(c)
            case "-" where peek(1) == "-": skipComment()
            default: advance()
            }
        }
        return false
    }
}
