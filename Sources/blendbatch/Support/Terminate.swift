import Foundation
import RenderPlan

/// Print one line to stderr (diagnostics never go to stdout, which carries results).
func printError(_ message: String) {
    StandardStream.error.write(message + "\n")
}

/// Print `blendbatch: <message>` to stderr and exit with `code`.
func fail(_ code: ExitCode, _ message: String) -> Never {
    printError("blendbatch: \(message)")
    exit(code.rawValue)
}

/// Print `value` as pretty JSON (sorted keys) to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    StandardStream.output.write(try StableJSON.encoder.encode(value) + Data("\n".utf8))
}
