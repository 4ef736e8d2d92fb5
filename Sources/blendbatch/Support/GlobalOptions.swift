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

enum LoggingBootstrap {
    /// The level named by `--log-level X` / `--log-level=X` anywhere on the command line, else
    /// `$BLENDBATCH_LOG_LEVEL`, else `error` (quiet). Read before parsing so every subcommand logs alike.
    static func levelFromCommandLine(_ arguments: [String] = CommandLine.arguments) -> Logger.Level {
        var named: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--log-level", index + 1 < arguments.count { named = arguments[index + 1] }
            if argument.hasPrefix("--log-level=") { named = String(argument.dropFirst("--log-level=".count)) }
        }
        return (named ?? ProcessInfo.processInfo.environment["BLENDBATCH_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .error
    }

    /// `arguments` without `--log-level X` / `--log-level=X` (already applied by `levelFromCommandLine`).
    static func withoutLogLevel(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext { skipNext = false; continue }
            if argument == "--log-level" { skipNext = true; continue }
            if argument.hasPrefix("--log-level=") { continue }
            kept.append(argument)
        }
        return kept
    }

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
