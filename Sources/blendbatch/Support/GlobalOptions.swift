import ArgumentParser
import Foundation
import Logging

/// Options every subcommand shares; add `@OptionGroup var global: GlobalOptions` and call
/// `global.bootstrap()` first thing in `run()`.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Diagnostics on stderr: trace, debug, info, notice, warning, error, critical.",
        valueName: "level"))
    var logLevel: Logger.Level?

    /// Set up swift-log once: stderr, `--log-level` or `$BLENDBATCH_LOG_LEVEL`, else quiet (`error`).
    func bootstrap() {
        let level = logLevel
            ?? ProcessInfo.processInfo.environment["BLENDBATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .error
        LoggingBootstrap.once(level)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

private enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false  // set once on the main task before any logging
    static func once(_ level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
