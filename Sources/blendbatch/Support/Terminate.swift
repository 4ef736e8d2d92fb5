import Foundation
import RenderPlan

/// Print one line to stderr (diagnostics never go to stdout, which carries results).
func printError(_ message: String) {
    StandardStream.error.write(message + "\n")
}

/// How a command ends other than with success: thrown from its body, and turned by `BlendBatch.main`
/// into `blendbatch: <message>` on stderr (when there is one) and the exit status `code`.
struct CommandEnd: Error, CustomStringConvertible {
    let code: Int32
    let message: String?

    /// A failure: one line saying what and what to do, and its exit code.
    init(_ code: ExitCode, _ message: String) {
        self.code = code.rawValue
        self.message = message
    }

    /// An exit status already explained on the way (a job's summary, a recipe's own message).
    init(status: Int32) {
        self.code = status
        self.message = nil
    }

    var description: String { message ?? "exit \(code)" }

    /// End with `status` unless it is 0.
    static func unlessSuccess(_ status: Int32) throws {
        if status != 0 { throw CommandEnd(status: status) }
    }
}

/// Print `value` as pretty JSON (sorted keys) to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    StandardStream.output.write(try StableJSON.encoder.encode(value) + Data("\n".utf8))
}
