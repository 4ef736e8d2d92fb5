import CLuaShim
import LuaKit

/// Tab completion from the live Lua state: globals, and fields after `.` or `:` (walking tables,
/// metatables' `__index` tables and our userdata methods). Reads raw fields only, so completing
/// never runs Lua code.
public struct Completion {
    let stack: LuaStack

    public init(state: LuaState) { stack = state.stack }

    static let keywords = ["and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                           "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                           "true", "until", "while"]

    /// The word being completed at the end of `text` (e.g. `string.for`), or "" at a word break.
    public static func word(before text: String) -> Substring {
        let chars = text.unicodeScalars
        var start = chars.endIndex
        while start > chars.startIndex {
            let previous = chars.index(before: start)
            let c = chars[previous]
            guard c == "." || c == ":" || c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) else { break }
            start = previous
        }
        return Substring(text.unicodeScalars[start...])
    }

    /// Full replacements for `word`, sorted: `string.for` → [`string.format`].
    public func candidates(for word: Substring) -> [String] {
        let split = word.lastIndex { $0 == "." || $0 == ":" }
        let path = split.map { word[..<$0] } ?? ""
        let separator = split.map { String(word[$0]) } ?? ""
        let partial = split.map { word[word.index(after: $0)...] } ?? word
        let base = stack.top
        defer { stack.top = base }

        bb_pushglobaltable(stack.L)
        if !path.isEmpty {
            for segment in path.split(whereSeparator: { $0 == "." || $0 == ":" }) {
                guard pushMember(String(segment), of: -1) else { return [] }
            }
        }
        var names = Set<String>()
        collectNames(of: -1, methodsOnly: separator == ":", into: &names)
        if path.isEmpty { names.formUnion(Self.keywords) }
        let prefix = path.isEmpty ? "" : String(path) + separator
        return names.filter { $0.hasPrefix(partial) }.sorted().map { prefix + $0 }
    }

    /// Push `value[key]` for the value at `index` (raw, then `__index` tables, following chains of
    /// metatables); false if absent. Tables it looked through stay pushed (the caller resets the stack).
    private func pushMember(_ key: String, of index: Int32) -> Bool {
        var tables = [stack.absolute(index)]
        var looked = 0
        while let t = tables.popLast(), looked < 16 {
            looked += 1
            if stack.type(at: t) == LUA_TTABLE {
                if stack.pushField(key, of: t) != LUA_TNIL { return true }
                stack.pop()
            }
            tables.append(contentsOf: indexTables(of: t))
        }
        return false
    }

    /// The `__index` table and `__methods` table of the value's metatable, pushed; their indexes.
    private func indexTables(of idx: Int32) -> [Int32] {
        guard stack.reserve(4), lua_getmetatable(stack.L, idx) != 0 else { return [] }
        let mt = stack.top
        var found: [Int32] = []
        for field in ["__index", "__methods"] where stack.pushField(field, of: mt) == LUA_TTABLE {
            found.append(stack.top)
        }
        return found
    }

    private func collectNames(of index: Int32, methodsOnly: Bool, into names: inout Set<String>, depth: Int = 0) {
        let idx = stack.absolute(index)
        guard depth < 8 else { return }
        if stack.type(at: idx) == LUA_TTABLE {
            lua_pushnil(stack.L)
            while lua_next(stack.L, idx) != 0 {
                if let key = stack.string(at: -2), Self.isIdentifier(key),
                   !methodsOnly || stack.type(at: -1) == LUA_TFUNCTION {
                    names.insert(key)
                }
                stack.pop()
            }
        }
        let top = stack.top
        for t in indexTables(of: idx) { collectNames(of: t, methodsOnly: methodsOnly, into: &names, depth: depth + 1) }
        stack.top = top
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The longest common prefix of `strings`.
    public static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first else { return "" }
        for s in strings.dropFirst() {
            while !s.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
