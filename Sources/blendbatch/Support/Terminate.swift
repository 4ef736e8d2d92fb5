import Foundation
import RenderPlan

/// Print one line to stderr (diagnostics never go to stdout, which carries results).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Print `blendbatch: <message>` to stderr and exit with `code`.
func fail(_ code: ExitCode, _ message: String) -> Never {
    printError("blendbatch: \(message)")
    exit(code.rawValue)
}

/// Print `value` as pretty JSON (sorted keys) to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    FileHandle.standardOutput.write(try StableJSON.encoder.encode(value) + Data("\n".utf8))
}
