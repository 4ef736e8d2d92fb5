import Foundation
import Testing

/// Something a test needs from the machine. Missing under CI (`CI=true`, as scripts/test sets):
/// the test fails. Missing elsewhere: the test is skipped with the reason, never passed.
public enum Requirement: String, Sendable, CaseIterable {
    case moto, blender, ffmpeg, tmux, cfnLint = "cfn-lint", awsCLI = "aws-cli", bpyVenvs = "bpy venvs", chromium
    /// The one-node cluster of scripts/slurm, answering at `SLURM_CONF`.
    case slurm
    /// OpenJD's reference model (PyPI openjd-model) in .venv-tools.
    case openjd = "openjd-model"
    /// Mounting a tiny tmpfs (`TinyDisk`), to fill a disk: root.
    case tmpfs = "tmpfs mount"

    /// True under CI, where every requirement must be met.
    public static var runningInCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why the requirement is not met in `environment`, or nil when it is.
    public func missingReason(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        switch self {
        case .moto:
            return environment["BLENDBATCH_MOTO_URL"].map { $0.isEmpty } ?? true
                ? "BLENDBATCH_MOTO_URL is not set; start moto with scripts/moto start" : nil
        case .blender: return Self.executable("blender", variable: "BLENDBATCH_BLENDER", environment)
        case .ffmpeg: return Self.executable("ffmpeg", variable: "BLENDBATCH_FFMPEG", environment)
            ?? Self.executable("ffprobe", variable: "BLENDBATCH_FFPROBE", environment)
        case .tmux: return Self.executable("tmux", environment)
        case .chromium: return Self.executable("chromium", environment)
        case .slurm:
            guard environment["SLURM_CONF"].map({ !$0.isEmpty }) ?? false else {
                return "SLURM_CONF is not set; start the test cluster with scripts/slurm start; eval \"$(scripts/slurm env)\""
            }
            return (try? CLIRunner.runTool("/usr/bin/env", ["sinfo", "-h", "-o", "%T"], timeLimit: 30))?.stdout.contains("idle") == true
                ? nil : "the Slurm cluster at \(environment["SLURM_CONF"] ?? "") does not answer (scripts/slurm start)"
        case .openjd:
            let python = toolsVenv.appendingPathComponent("bin/python").path
            return (try? CLIRunner.runTool(python, ["-c", "import openjd.model"]))?.status == 0 ? nil : "openjd-model is not in .venv-tools; run scripts/setup"
        case .tmpfs: return TinyDisk.mountProblem
        case .cfnLint: return Self.file(toolsVenv.appendingPathComponent("bin/cfn-lint").path, fix: "run scripts/setup")
        case .awsCLI: return Self.file(toolsVenv.appendingPathComponent("bin/aws").path, fix: "run scripts/setup")
        case .bpyVenvs:
            let cache = environment["BLENDBATCH_CACHE"] ?? (NSHomeDirectory() + "/.cache/blendbatch")
            return ["4.2.23", "4.5.15", "5.0.1"].lazy.compactMap { Self.file("\(cache)/bpy-\($0)/bin/python", fix: "run scripts/setup-bpy") }.first
        }
    }

    /// Whether a test needing `requirements` runs: true when all are met; false (skip) when one is
    /// missing outside CI; throws (a recorded failure) when one is missing under CI.
    public static func check(_ requirements: [Requirement], ci: Bool = runningInCI,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Bool {
        let missing = reasons(requirements, environment)
        guard !missing.isEmpty else { return true }
        if ci { throw Missing(reasons: missing) }
        return false
    }

    /// A requirement missing under CI: the test fails with this.
    public struct Missing: Error, CustomStringConvertible {
        public var reasons: [String]
        public var description: String { "missing under CI: " + reasons.joined(separator: "; ") }
    }

    /// "name: why" for each requirement not met.
    static func reasons(_ requirements: [Requirement], _ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        requirements.compactMap { requirement in requirement.missingReason(in: environment).map { "\(requirement.rawValue): \($0)" } }
    }

    static func executable(_ name: String, variable: String? = nil, _ environment: [String: String]) -> String? {
        if let variable, let path = environment[variable], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? nil : "\(variable)=\(path) is not executable"
        }
        return onPath(name, environment: environment) == nil ? "\(name) is not on PATH" : nil
    }

    static func file(_ path: String, fix: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? nil : "\(path) is missing; \(fix)"
    }
}

extension Trait where Self == ConditionTrait {
    /// Run only with `requirements` met: skipped with the reason outside CI, a failure under CI.
    public static func requires(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let reasons = Requirement.reasons(requirements)
        let comment = Comment(rawValue: reasons.isEmpty ? "needs " + requirements.map(\.rawValue).joined(separator: ", ")
                                                        : "missing " + reasons.joined(separator: "; "))
        return .enabled(comment, sourceLocation: sourceLocation) { try Requirement.check(requirements) }
    }
}
