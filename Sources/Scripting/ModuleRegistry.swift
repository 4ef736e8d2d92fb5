public import LuaKit

// How to add a Lua module (for every engineer)
// ============================================
// 1. Create `Sources/Scripting/Modules/<Name>Module.swift` with a static module definition:
//
//        import LuaKit
//        import RenderPlan
//
//        extension LuaModule {
//            /// `frames`: OpenJD frame sets.
//            static let frames = LuaModule("frames", doc: "OpenJD frame sets: parse, chunk, count.") { m in
//                m.function("parse", doc: "frames.parse(expr) -> {int...}\nParse an OpenJD range like '1-10:2,20'.") { args in
//                    let expr = try args.string(1)            // misuse raises: bad argument #1 to 'frames.parse' (string expected, got nil)
//                    guard let set = try? FrameSet(parsing: expr) else {
//                        return .failure("bad frame set '\(expr)'", code: "bad_frames")   // returns nil, msg, code
//                    }
//                    return .value(set.frames)                // any Encodable or LuaValue
//                }
//            }
//        }
//
// 2. Add `.frames` to `ModuleRegistry.modules` below (one line, keep the list sorted).
//    It then shows in `help()`, is `require "frames"`-able in recipes (sandboxed or not), is a global
//    in the REPL, and is `bb.frames` for `lua5.4` through the plugin.
//
// Rules (see LuaKit): read arguments with `args.string(n)`, `args.int(n)`, `args.decode(T.self, n)`,
// `args.object(T.self, n)`; misuse → throw (`args.error(n, "…")` or any LuaArgs accessor); operational
// failure → `return .failure(message, code:)`, or just throw a Swift error (it becomes
// `nil, "\(error)", code`, with `code` from `LuaRepresentableError` if the error conforms).
// Async work (network, processes): `let r = try args.wait { try await client.get(...) }` — blocks only
// the Lua thread; Ctrl-C cancels the task. Host objects: conform a class to `LuaObject` and return
// `.object(x)`. Per-state context: `args.owner?.userInfo["key"]`. Never call lua_error, luaL_check*
// or lua_call from Swift.

/// Every Lua module blendbatch ships. The REPL, `blendbatch run` and the `lua5.4` plugin all load
/// exactly this list.
public enum ModuleRegistry {
    public static let modules: [LuaModule] = [
        .batch,
        .blend,
        .blendbatchInfo,
        .cost,
        .edit,
        .fis,
        .frames,
        .json,
        .notify,
        .recipes,
        .render,
        .stitch,
        .store,
    ]
}
