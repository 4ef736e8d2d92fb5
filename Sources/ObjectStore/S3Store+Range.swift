import AWSCore
import Foundation

extension S3Store {
    /// Bytes `range` of the object, in memory, with one ranged GET (`Range: bytes=a-b`); fewer
    /// only past the object's end. With `etag`, the GET fails (412, `StoreError.refused`) when the
    /// object changed since its size was read, so a reader never mixes two versions.
    public func getRange(key: String, range: Range<Int64>, etag: String? = nil) async throws -> Data {
        guard !range.isEmpty else { return Data() }
        var headers = ["range": "bytes=\(range.lowerBound)-\(range.upperBound - 1)"]
        if let etag { headers["if-match"] = etag }
        let request = request("GET", key: key, headers: headers)
        // A server ignoring the range answers with the whole object: refused past the range's size.
        let response = try await mapErrors(key) { try await client.send(request, maxResponseBytes: range.count) }
        if let expected = response.header("content-length").flatMap(Int.init), expected != response.body.count {
            throw StoreError.corrupt(url(key), reason: "got \(response.body.count) of \(expected) bytes")
        }
        return response.body
    }
}
