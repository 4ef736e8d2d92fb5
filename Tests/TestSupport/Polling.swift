import Foundation

/// Poll `condition` every 50 ms until it holds or `seconds` pass; its last answer. How tests wait
/// for an event they cannot be told about, instead of sleeping a guessed time. The condition may
/// itself await (a store listing, say).
public func waitUntil(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    return try await condition()
}

/// Wait up to `seconds` for `process` to exit on its own; true when it did. One still running then
/// is killed (SIGKILL) and reaped, so the test goes on to fail instead of hanging.
public func exitsOnItsOwn(_ process: Process, within seconds: Double) async throws -> Bool {
    let exited = try await waitUntil(seconds: seconds) { !process.isRunning }
    if !exited { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return exited
}
