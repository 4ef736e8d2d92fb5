import Foundation
public import LuaKit

/// Turns command-line words (`--percent 50 --preview --file=x.blend`) or a REPL table into the
/// typed values a recipe receives, with errors that list what the recipe accepts.
public enum RecipeArguments {
    /// Parse `words` for `declaration`. Words after `--` (and bare words) are returned as positional
    /// arguments for the `arg` table.
    public static func parse(_ words: [String], for declaration: RecipeDeclaration) throws -> (values: [String: LuaValue], positional: [String]) {
        var values: [String: LuaValue] = [:]
        var positional: [String] = []
        var i = 0
        while i < words.count {
            let word = words[i]
            i += 1
            if word == "--" { positional += words[i...]; break }
            guard word.hasPrefix("--"), word.count > 2 else { positional.append(word); continue }
            var key = String(word.dropFirst(2))
            var inline: String?
            if let eq = key.firstIndex(of: "=") {
                inline = String(key[key.index(after: eq)...])
                key = String(key[..<eq])
            }
            var negated = false
            var parameter = declaration.parameter(named: key)
            if parameter == nil, key.hasPrefix("no-"), let p = declaration.parameter(named: String(key.dropFirst(3))), p.kind == .bool {
                parameter = p
                negated = true
            }
            guard let parameter else {
                throw RecipeError.badParameter("recipe '\(declaration.name)' has no parameter --\(key); it accepts: \(accepted(declaration))")
            }
            if parameter.kind == .bool, inline == nil {
                if !negated, i < words.count, let b = try? parameter.parse(words[i]) { values[parameter.name] = b; i += 1 }
                else { values[parameter.name] = .boolean(!negated) }
                continue
            }
            guard let text = inline ?? (i < words.count ? words[i] : nil) else {
                throw RecipeError.badParameter("\(parameter.flag) needs a value \(parameter.placeholder)")
            }
            if inline == nil { i += 1 }
            values[parameter.name] = try parameter.parse(text)
        }
        return (values, positional)
    }

    /// Check values passed from Lua (`run("name", { percent = 50 })`).
    public static func check(_ table: [String: LuaValue], for declaration: RecipeDeclaration) throws -> [String: LuaValue] {
        var values: [String: LuaValue] = [:]
        for (key, value) in table {
            guard let parameter = declaration.parameter(named: key) else {
                throw RecipeError.badParameter("recipe '\(declaration.name)' has no parameter '\(key)'; it accepts: \(accepted(declaration))")
            }
            values[parameter.name] = try parameter.coerce(value)
        }
        return values
    }

    /// Fill in defaults and check required parameters.
    public static func complete(_ given: [String: LuaValue], for declaration: RecipeDeclaration) throws -> [String: LuaValue] {
        var values = given
        for p in declaration.parameters where values[p.name] == nil {
            if p.required { throw RecipeError.badParameter("recipe '\(declaration.name)' needs \(p.flag) \(p.placeholder)\(p.help.isEmpty ? "" : " (\(p.help))")") }
            if !p.defaultValue.isNil { values[p.name] = p.defaultValue }
        }
        return values
    }

    static func accepted(_ declaration: RecipeDeclaration) -> String {
        declaration.parameters.isEmpty ? "no parameters"
            : declaration.parameters.map { "\($0.flag) \($0.placeholder)".trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
    }

    /// `blendbatch run NAME --help`.
    public static func help(for declaration: RecipeDeclaration, origin: String) -> String {
        var lines = ["\(declaration.name) — \(declaration.description.isEmpty ? "(no description)" : declaration.description)",
                     "", "USAGE: blendbatch run \(declaration.name) [options] [--trust] [-- args...]", "", "OPTIONS:"]
        lines += optionRows(declaration.parameters)
        lines.append("  " + "--trust".padding(toLength: optionWidth, withPad: " ", startingAt: 0) + "Run with all of Lua (io, os.execute); recipes are sandboxed otherwise.")
        lines.append("")
        lines.append("FROM: \(origin)")
        return lines.joined(separator: "\n")
    }

    /// Width of the flag column in help.
    static let optionWidth = 34

    /// One help row per parameter (`  --percent <int>   resolution percentage (int)`), except `without`.
    public static func optionRows(_ parameters: [RecipeParameter], without: Set<String> = []) -> [String] {
        let rows = parameters.filter { !without.contains($0.name) }.map { p -> (String, String) in
            var text = p.help
            var notes: [String] = [p.kind.rawValue]
            if p.required { notes.append("required") }
            if !p.defaultValue.isNil { notes.append("default: \(describe(p.defaultValue))") }
            text += (text.isEmpty ? "" : " ") + "(" + notes.joined(separator: ", ") + ")"
            let flag = p.kind == .bool ? "\(p.flag), --no-\(p.flag.dropFirst(2))" : "\(p.flag) \(p.placeholder)"
            return (flag, text)
        }
        let width = min(optionWidth, (rows.map(\.0.count).max() ?? 0) + 2)
        let indent = String(repeating: " ", count: width + 2)
        return rows.map { flag, text in
            let lines = wrap(text, width: 79 - indent.count)
            let head = "  " + (flag.count >= width ? flag + "\n" + indent : flag.padding(toLength: width, withPad: " ", startingAt: 0))
            return head + lines.joined(separator: "\n" + indent)
        }
    }

    /// `text` in lines of at most `width` characters, broken at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }

    static func describe(_ v: LuaValue) -> String {
        switch v {
        case .string(let s): "\"\(s)\""
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .boolean(let b): String(b)
        default: v.typeName
        }
    }
}
