/// Errors crossing the Swift/Lua boundary.
///
/// Thrown *by a primitive*, `.argument` and `.raise` are the misuse tier: the trampoline raises them
/// as Lua errors. Any other Swift error thrown by a primitive becomes the operational tier: the
/// primitive returns `nil, message, code` (code from `LuaRepresentableError`, else `"error"`).
///
/// Thrown *by LuaState* when running a chunk: `.syntax`, `.runtime` (message + traceback) and
/// `.interrupted` (Ctrl-C).
public enum LuaError: Error, Equatable, CustomStringConvertible {
    /// A chunk failed to compile: `name:line: message near 'x'`.
    case syntax(String)
    /// A Lua error while running: the message (usually `chunk:line: text`) and the traceback.
    case runtime(message: String, traceback: String)
    /// The chunk was stopped (Ctrl-C or `LuaState.interrupt()`).
    case interrupted
    /// Misuse: argument `index` (as the Lua caller counts) is wrong; `problem` is the text in
    /// parentheses, e.g. `string expected, got nil`.
    case argument(index: Int, problem: String)
    /// Misuse: raise `message` as a Lua error at the caller's position.
    case raise(String)

    public var message: String {
        switch self {
        case .syntax(let m): m
        case .runtime(let m, _): m
        case .interrupted: "interrupted!"
        case .argument(let i, let p): "bad argument #\(i) (\(p))"
        case .raise(let m): m
        }
    }

    /// The traceback, when the error came from running Lua code.
    public var traceback: String? {
        if case .runtime(_, let tb) = self, !tb.isEmpty { tb } else { nil }
    }

    public var description: String { message }
}

/// A Swift error that chooses how it looks to Lua when a primitive fails operationally:
/// the primitive returns `nil, String(describing: error), luaCode`.
public protocol LuaRepresentableError: Error {
    /// A short, stable code scripts can branch on, e.g. `"NoSuchKey"`, `"blender_failed"`.
    var luaCode: String { get }
}
