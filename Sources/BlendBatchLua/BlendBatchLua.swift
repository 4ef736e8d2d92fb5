import Scripting

/// The entry point `lua5.4` calls for `require "blendbatch"`: every blendbatch module in a table.
@_cdecl("luaopen_blendbatch")
public func luaopen_blendbatch(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    return PluginHost.open(L)
}
