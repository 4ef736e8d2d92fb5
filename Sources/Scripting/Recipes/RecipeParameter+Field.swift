public import Executors
public import LuaKit
public import RenderPlan

extension RecipeParameter {
    /// The parameter a declared field makes (`render.submit`'s fields for `extends`, the CLI's render options).
    public init(field: FieldSpec) {
        self.init(name: field.name, kind: Kind(rawValue: field.kind.rawValue) ?? .string,
                  defaultValue: field.defaultValue.map(LuaValue.init(request:)) ?? .nil, required: field.required, help: field.help)
    }
}

extension LuaValue {
    /// A request value as Lua sees it.
    public init(request value: RequestValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .int(let i): self = .integer(i)
        case .number(let d): self = .number(d)
        case .bool(let b): self = .boolean(b)
        }
    }
}

extension RequestValue {
    /// A Lua value as a request value; nil for nil, tables and functions.
    public init?(lua value: LuaValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .int(i)
        case .number(let d): self = .number(d)
        case .boolean(let b): self = .bool(b)
        default: return nil
        }
    }
}

extension Backends {
    /// `backend`'s own options among `values` (`queue=`, `--partition`), as it takes them.
    public static func options(of backend: any SchedulerBackend.Type, in values: [String: LuaValue]) -> [String: RequestValue] {
        let own = Set(backend.fields.map(\.name))
        return values.filter { own.contains($0.key) }.compactMapValues(RequestValue.init(lua:))
    }
}
