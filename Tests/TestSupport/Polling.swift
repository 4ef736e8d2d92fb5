import Foundation

/// Poll `condition` every 50 ms until it holds or `seconds` pass; its last answer. How tests wait
/// for an event they cannot be told about, instead of sleeping a guessed time.
public func waitUntil(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    return try condition()
}
