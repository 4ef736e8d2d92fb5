import AWSCore
import Foundation

extension S3Store {
    /// Every object under `prefix`, fetched one ListObjectsV2 page (up to 1,000 keys) at a time,
    /// only as the consumer asks for more.
    public func list(prefix: String) -> AsyncThrowingStream<ObjectInfo, Error> {
        let cursor = ListCursor(store: self, prefix: prefix)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }
}

/// The state of a paged listing: the current page and the continuation token.
actor ListCursor {
    let store: S3Store
    let prefix: String
    private var page: [ObjectInfo] = []
    private var index = 0
    private var token: String?
    private var finished = false

    init(store: S3Store, prefix: String) {
        self.store = store
        self.prefix = prefix
    }

    func next() async throws -> ObjectInfo? {
        while index >= page.count {
            if finished { return nil }
            try await fetch()
        }
        defer { index += 1 }
        return page[index]
    }

    private func fetch() async throws {
        let (objects, next) = try await store.listPage(prefix: prefix, token: token)
        page = objects
        index = 0
        token = next
        finished = next == nil
    }
}

extension S3Store {
    /// One ListObjectsV2 page under `prefix` (store-relative), and the token of the next page.
    func listPage(prefix: String, token: String?) async throws -> ([ObjectInfo], String?) {
        var query = ["list-type": "2", "prefix": objectKey(prefix), "encoding-type": "url"]
        if let token { query["continuation-token"] = token }
        let request = request("GET", key: nil, query: query)
        let response = try await mapErrors(nil) { try await client.send(request) }
        let text = String(decoding: response.body, as: UTF8.self)
        let strip = self.prefix.count
        let objects: [ObjectInfo] = S3XML.elements("Contents", in: text).compactMap { item in
            guard let raw = S3XML.value("Key", in: item) else { return nil }
            let key = S3XML.urlDecoded(raw)
            return ObjectInfo(key: String(key.dropFirst(strip)),
                              size: S3XML.value("Size", in: item).flatMap(Int64.init) ?? 0,
                              etag: S3XML.value("ETag", in: item),
                              lastModified: S3XML.value("LastModified", in: item).flatMap(parseISO8601Date))
        }
        let next = S3XML.value("NextContinuationToken", in: text[...])
        let truncated = S3XML.value("IsTruncated", in: text[...]) == "true"
        return (objects, truncated ? next : nil)
    }
}

func parseISO8601Date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
}
