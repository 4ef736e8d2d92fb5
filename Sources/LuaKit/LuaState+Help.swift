import CLuaShim
import Foundation

extension LuaState {
    /// Install the global `help`: `help()` lists modules, `help(frames)` or `help("frames")` lists a
    /// module's functions, `help(frames.parse)` or `help("frames.parse")` prints one doc.
    func registerHelp(asGlobal: Bool) {
        stack.push(HostFunction(qualifiedName: "help") { args in
            guard let owner = args.owner else { return .none }
            owner.output(owner.helpText(for: args, at: 1) + "\n")
            return .none
        })
        pushAggregate()
        lua_pushvalue(L, -2)
        stack.setField("help", in: -2)
        stack.pop()
        if asGlobal { stack.setGlobal("help") } else { stack.pop() }
    }

    /// The text `help(x)` prints for argument `n`.
    func helpText(for args: LuaArgs, at n: Int) -> String {
        if args.isNil(n) { return overview() }
        let idx = args.index(n)
        if let name = args.stack.string(at: idx) {
            return help(named: name) ?? "No help for '\(name)'. help() lists the modules."
        }
        if let name = qualifiedName(of: idx, in: args.stack) { return help(named: name) ?? "No help for \(name)." }
        return "No help for this \(args.typeName(n)). help() lists the modules."
    }

    /// `help()`: every module with the first sentence of its doc.
    public func overview() -> String {
        var lines = ["Modules (help(name) for details, help(fn) for one function):"]
        let width = (moduleDocs.map(\.name.count).max() ?? 0) + 2
        for module in moduleDocs {
            lines.append("  " + module.name.padding(toLength: width, withPad: " ", startingAt: 0) + firstLine(module.doc))
        }
        return lines.joined(separator: "\n")
    }

    /// The help text for a module or `module.function` name.
    public func help(named name: String) -> String? {
        if let module = moduleDocs.first(where: { $0.name == name }) {
            var lines = ["\(module.name) — \(module.doc)", ""]
            for function in module.functions.sorted() {
                lines.append("  " + firstLine(functionDocs["\(name).\(function)"] ?? function))
            }
            return lines.joined(separator: "\n")
        }
        return functionDocs[name]
    }

    private func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// Find which registered module or function the value at `idx` is (searching `package.loaded`).
    private func qualifiedName(of idx: Int32, in stack: LuaStack) -> String? {
        let target = lua_topointer(stack.L, idx)
        let L = stack.L
        pushLoadedTable()
        defer { stack.pop() }
        for module in moduleDocs {
            guard stack.pushField(module.name, of: -1) == LUA_TTABLE else { stack.pop(); continue }
            defer { stack.pop() }
            if lua_topointer(L, -1) == target { return module.name }
            for function in module.functions {
                stack.pushField(function, of: -1)
                defer { stack.pop() }
                if lua_topointer(L, -1) == target { return "\(module.name).\(function)" }
            }
        }
        return nil
    }
}
