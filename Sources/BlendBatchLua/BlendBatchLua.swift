import Foundation
import Scripting

/// The entry point `lua5.4` calls for `require "blendbatch"`: every blendbatch module in a table.
@_cdecl("luaopen_blendbatch")
public func luaopen_blendbatch(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    return PluginHost.open(L, module: modulePath())
}

/// The file this plugin was loaded from (as `dlopen` was given it).
private func modulePath() -> String? {
    var info = Dl_info()
    let entry: @convention(c) (OpaquePointer?) -> Int32 = luaopen_blendbatch
    guard dladdr(unsafeBitCast(entry, to: UnsafeRawPointer.self), &info) != 0, let name = info.dli_fname else { return nil }
    return String(cString: name)
}
