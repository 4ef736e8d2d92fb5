import Executors
import Foundation
import LuaKit
import Synchronization

/// Loads blendbatch's modules into a Lua state someone else owns: the `lua5.4` interpreter doing
/// `require "blendbatch"` through the BlendBatchLua plugin.
public enum PluginHost {
    /// Register every module in `L` and push the `blendbatch` table (`bb.blend`, `bb.frames`, ...,
    /// `bb.help`). Returns the number of results for `luaopen_blendbatch`. `module` is the plugin's
    /// file: render tasks run the `blendbatch` beside it (links resolved), else the one on PATH.
    public static func open(_ L: OpaquePointer, module: String? = nil) -> Int32 {
        if let module {
            let folders = [module, (module as NSString).resolvingSymlinksInPath].map { ($0 as NSString).deletingLastPathComponent }
            LocalExecutor.hostWorker.withLock { $0 = LocalExecutor.findWorkerProgram(besides: folders) ?? "" }
        }
        if let existing = LuaState.owner(of: L) {  // required twice under another name: same modules
            existing.pushAggregate()
            return 1
        }
        let lua = LuaState(borrowing: L)
        lua.register(ModuleRegistry.modules)
        lua.stack.push(object: PluginAnchor(lua))  // keeps the wrapper alive until lua_close
        lua.stack.setField("blendbatch.plugin", in: lua.registryIndex)
        lua.pushAggregate()
        lua.stack.push(BlendBatchVersion.current)
        lua.stack.setField("version", in: -2)
        return 1
    }
}

/// Holds the borrowed state's Swift wrapper; collected (and released) when the host closes the state.
final class PluginAnchor: LuaObject {
    static let luaTypeName = "blendbatch.Plugin"
    static func luaMembers(_ members: LuaMembers<PluginAnchor>) {}
    let state: LuaState
    init(_ state: LuaState) { self.state = state }
}
