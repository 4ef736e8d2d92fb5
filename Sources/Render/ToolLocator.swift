import Foundation

/// Finds the external programs blendbatch drives: an explicit path first, then an environment
/// variable, then PATH.
public enum ToolLocator {
    public enum Tool: String, Sendable {
        case blender, ffmpeg, ffprobe

        /// The environment variable that points at this tool.
        public var environmentVariable: String { "BLENDBATCH_\(rawValue.uppercased())" }
        var flag: String { "--\(rawValue)" }
        var package: String { self == .blender ? "blender" : "ffmpeg" }
    }

    public struct NotFound: Error, CustomStringConvertible {
        public let tool: Tool
        public let tried: String?
        public var description: String {
            if let tried {
                return "\(tool.rawValue) not found or not executable at '\(tried)'; check \(tool.flag) or \(tool.environmentVariable)"
            }
            return "\(tool.rawValue) not found on PATH; install it (apt install \(tool.package)) or point \(tool.flag) / \(tool.environmentVariable) at it"
        }
    }

    /// The executable to run for `tool`: `explicit`, else `$BLENDBATCH_<TOOL>`, else the first on PATH.
    public static func locate(_ tool: Tool, explicit: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let path = explicit ?? environment[tool.environmentVariable], !path.isEmpty {
            let resolved = path.contains("/") ? path : onPath(path, environment: environment)
            guard let resolved, FileManager.default.isExecutableFile(atPath: resolved) else { throw NotFound(tool: tool, tried: path) }
            return resolved
        }
        guard let found = onPath(tool.rawValue, environment: environment) else { throw NotFound(tool: tool, tried: nil) }
        return found
    }

    static func onPath(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
