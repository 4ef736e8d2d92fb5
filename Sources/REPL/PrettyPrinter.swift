import CLuaShim
import Foundation
import LuaKit

/// Formats Lua values for the REPL: nested tables with sorted keys (sequence first), cycles marked,
/// long tables truncated with a count, short tables on one line.
public struct PrettyPrinter {
    public var maxItems = 40
    public var maxDepth = 5
    public var lineWidth = 80
    let stack: LuaStack

    public init(stack: LuaStack) { self.stack = stack }

    /// The text for the value at `index`; strings at top level print raw, as `print` does.
    public func format(at index: Int32) -> String {
        let idx = stack.absolute(index)
        if stack.type(at: idx) == LUA_TSTRING { return stack.string(at: idx) ?? "" }
        var seen: [UnsafeRawPointer] = []
        return format(idx, indent: 0, seen: &seen)
    }

    private func format(_ idx: Int32, indent: Int, seen: inout [UnsafeRawPointer]) -> String {
        switch stack.type(at: idx) {
        case LUA_TSTRING: return Self.quote(stack.string(at: idx) ?? "")
        case LUA_TTABLE where !hasToString(idx): return formatTable(idx, indent: indent, seen: &seen)
        default: return stack.describe(at: idx)
        }
    }

    private func hasToString(_ idx: Int32) -> Bool {
        guard lua_getmetatable(stack.L, idx) != 0 else { return false }
        defer { stack.pop(2) }
        return stack.pushField("__tostring", of: -1) != LUA_TNIL
    }

    private func formatTable(_ idx: Int32, indent: Int, seen: inout [UnsafeRawPointer]) -> String {
        guard let ptr = lua_topointer(stack.L, idx) else { return "{}" }
        if seen.contains(ptr) { return "<cycle: \(stack.describe(at: idx))>" }
        if seen.count >= maxDepth { return "{...}" }
        seen.append(ptr)
        defer { seen.removeLast() }
        stack.reserve(6)

        // Collect keys: the sequence 1...n first, then the rest sorted by type then text.
        var length = 0
        while lua_rawgeti(stack.L, idx, lua_Integer(length + 1)) != LUA_TNIL { stack.pop(); length += 1 }
        stack.pop()
        var others: [(sortKey: String, key: String, index: Int32)] = []
        let base = stack.top
        lua_pushnil(stack.L)
        while lua_next(stack.L, idx) != 0 {
            stack.pop()
            if stack.type(at: -1) == LUA_TNUMBER, lua_isinteger(stack.L, -1) != 0 {
                let i = Int(lua_tointegerx(stack.L, -1, nil))
                if i >= 1 && i <= length { continue }
            }
            lua_pushvalue(stack.L, -1)  // keep a copy of the key below the iteration key
            bb_insert(stack.L, -2)
            let keyIndex = stack.top - 1
            let (sortKey, text) = keyText(keyIndex)
            others.append((sortKey, text, keyIndex))
        }
        defer { stack.top = base }
        others.sort { $0.sortKey < $1.sortKey }

        var items: [String] = []
        let total = length + others.count
        for i in 0..<min(length, maxItems) {
            lua_rawgeti(stack.L, idx, lua_Integer(i + 1))
            items.append(format(stack.top, indent: indent + 2, seen: &seen))
            stack.pop()
        }
        for other in others.prefix(max(0, maxItems - length)) {
            lua_pushvalue(stack.L, other.index)
            lua_rawget(stack.L, idx)
            items.append("\(other.key) = " + format(stack.top, indent: indent + 2, seen: &seen))
            stack.pop()
        }
        if total > maxItems { items.append("... (\(total - maxItems) more)") }
        if items.isEmpty { return "{}" }
        let oneLine = "{ " + items.joined(separator: ", ") + " }"
        if oneLine.count + indent <= lineWidth && !oneLine.contains("\n") { return oneLine }
        let pad = String(repeating: " ", count: indent + 2)
        return "{\n" + items.map { pad + $0 }.joined(separator: ",\n") + "\n" + String(repeating: " ", count: indent) + "}"
    }

    /// How a key prints (`name`, `["two words"]`, `[3.5]`) and how it sorts.
    private func keyText(_ idx: Int32) -> (String, String) {
        switch stack.type(at: idx) {
        case LUA_TSTRING:
            let s = stack.string(at: idx) ?? ""
            return ("1" + s, Completion.isIdentifier(s) ? s : "[\(Self.quote(s))]")
        case LUA_TNUMBER:
            let d = lua_tonumberx(stack.L, idx, nil)
            let text = stack.describe(at: idx)
            let sortable = String(format: "%030.6f", d + 1e15)
            return ("0" + sortable, "[\(text)]")
        default:
            let text = stack.describe(at: idx)
            return ("2" + text, "[\(text)]")
        }
    }

    /// A Lua string literal for `s`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7f { out += "\\\(c.value)" } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
