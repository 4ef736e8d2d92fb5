import LuaKit

extension LuaModule {
    /// `bbinfo`: facts about this blendbatch build.
    static let blendbatchInfo = LuaModule("bbinfo", doc: "Facts about this blendbatch build: version, Lua version.") { m in
        m.constant("version", .string(BlendBatchVersion.current))
        m.function("lua", doc: "bbinfo.lua() -> string\nThe embedded Lua version, e.g. 'Lua 5.4'.") { _ in
            .value(.string(LuaState.version))
        }
    }
}

/// The blendbatch version (also printed by `blendbatch --version`).
public enum BlendBatchVersion {
    public static let current = "0.1.0"
}
