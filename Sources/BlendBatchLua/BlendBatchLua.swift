import Foundation
import Scripting

/// The entry point `lua5.4` calls for `require "blendbatch"`: every blendbatch module in a table.
@_cdecl("luaopen_blendbatch")
public func luaopen_blendbatch(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    return PluginHost.open(L, module: modulePath())
}

/// The file this plugin was loaded from (links resolved): the mapping in /proc/self/maps
/// that holds this function's code (Swift's Glibc module does not export `dladdr`; procfs is read to EOF,
/// its files report no size).
private func modulePath() -> String? {
    let entry: @convention(c) (OpaquePointer?) -> Int32 = luaopen_blendbatch
    let address = UInt(bitPattern: unsafeBitCast(entry, to: UnsafeRawPointer.self))
    guard let maps = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return nil }
    for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
        let fields = line.split(separator: " ")  // start-end perms offset dev inode path
        let range = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
        guard fields.count >= 6, range.count == 2, range[0] <= address, address < range[1] else { continue }
        return fields[5...].joined(separator: " ")
    }
    return nil
}
