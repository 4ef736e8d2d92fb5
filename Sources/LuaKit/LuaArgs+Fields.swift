import CLuaShim

extension LuaArgs {
    /// The host objects in field `key` of table argument `n`: one object, or a list of them; each
    /// item goes through `pick` (nil = not an accepted object: a misuse error naming the field).
    public func objects<T>(field key: String, of n: Int, expected: String, _ pick: (LuaStack, Int32) -> T?) throws -> [T] {
        let stack = self.stack
        let base = stack.top
        defer { stack.top = base }
        if stack.pushField(key, of: index(n)) == LUA_TNIL { return [] }
        if let one = pick(stack, stack.top) { return [one] }
        return try list(at: stack.top, named: "field '\(key)'", of: n, expected: expected, pick)
    }

    /// The host objects listed in table argument `n` (`{job1, job2}`), each through `pick`.
    public func objects<T>(in n: Int, expected: String, _ pick: (LuaStack, Int32) -> T?) throws -> [T] {
        try list(at: index(n), named: "list", of: n, expected: expected, pick)
    }

    private func list<T>(at table: Int32, named name: String, of n: Int, expected: String,
                         _ pick: (LuaStack, Int32) -> T?) throws -> [T] {
        let stack = self.stack
        let base = stack.top
        defer { stack.top = base }
        guard lua_type(L, table) == LUA_TTABLE else {
            throw error(n, "\(name): \(expected) or a list of them expected, got \(stack.typeName(at: table))")
        }
        var items: [T] = []
        var i: lua_Integer = 1
        while lua_rawgeti(L, table, i) != LUA_TNIL {
            guard let item = pick(stack, stack.top) else {
                throw error(n, "\(name) item \(i): \(expected) expected, got \(stack.typeName(at: stack.top))")
            }
            items.append(item)
            stack.pop()
            i += 1
        }
        return items
    }

    /// The functions in the table at field `key` of table argument `n` (`on = {frame = fn, ...}`),
    /// each kept in the registry; names outside `allowed` are a misuse error naming them.
    public func functions(field key: String, of n: Int, allowed: [String]) throws -> [String: LuaRef] {
        let stack = self.stack
        let base = stack.top
        defer { stack.top = base }
        let type = stack.pushField(key, of: index(n))
        if type == LUA_TNIL { return [:] }
        guard type == LUA_TTABLE else { throw error(n, "field '\(key)': table of functions expected, got \(stack.typeName(at: stack.top))") }
        let table = stack.top
        var refs: [String: LuaRef] = [:]
        lua_pushnil(L)
        while lua_next(L, table) != 0 {
            guard lua_type(L, -2) == LUA_TSTRING, let name = stack.string(at: -2), allowed.contains(name) else {
                throw error(n, "field '\(key)': unknown event '\(stack.describe(at: -2))' (known: \(allowed.joined(separator: ", ")))")
            }
            guard lua_type(L, -1) == LUA_TFUNCTION else {
                throw error(n, "field '\(key).\(name)': function expected, got \(stack.typeName(at: -1))")
            }
            lua_pushvalue(L, -1)
            refs[name] = LuaRef(popping: L)
            stack.pop()
        }
        return refs
    }
}
