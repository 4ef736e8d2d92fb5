import AsyncHTTPClient
import AWSCore
import Crypto
import Foundation
import NIOCore

/// An object store on an S3 bucket (or any S3-compatible service), rooted at a key prefix.
///
/// Small objects go up in one PUT, large ones as a multipart upload (see `S3Store+Multipart`);
/// every upload carries `x-amz-checksum-sha256` and a signed payload hash. Downloads stream into
/// a temp file beside the target, are checked against the size and (single-part) ETag, and are
/// renamed into place only when complete.
public struct S3Store: ObjectStore {
    public let bucket: String
    /// Keys are stored below this prefix (empty, or ending in `/`).
    public let prefix: String
    public let client: AWSClient
    /// Objects at least this large are uploaded in parts.
    public var multipartThreshold: Int = 8 << 20
    /// Size of each part (S3 needs ≥ 5 MiB for every part but the last).
    public var partSize: Int = 8 << 20
    /// Parts in flight at once for one multipart upload.
    public var partConcurrency: Int = 10
    /// Called with the number of bytes moved each time a part is uploaded or a chunk downloaded
    /// (from several tasks at once; for progress bars).
    public var progress: (@Sendable (Int64) -> Void)?

    public init(bucket: String, prefix: String = "", client: AWSClient) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.client = client
    }

    public var location: StoreLocation { .s3(bucket: bucket, key: prefix) }

    /// The full object key for a store key.
    func objectKey(_ key: String) -> String { prefix + key }

    /// `s3://bucket/full/key`, for messages.
    func url(_ key: String) -> String { "s3://\(bucket)/\(objectKey(key))" }

    /// A request on `key` (or on the bucket when `key` is nil).
    func request(_ method: String, key: String?, query: [String: String] = [:], headers: [String: String] = [:],
                 body: Data = Data()) -> AWSRequest {
        AWSRequest(service: .s3, method: method, path: key.map { "/" + objectKey($0) } ?? "/", query: query,
                   headers: headers, body: body, bucket: bucket)
    }

    // MARK: put

    public func put(file: URL, key: String) async throws {
        let size = try fileSize(file.path)
        if size >= Int64(multipartThreshold) {
            try await putMultipart(file: file.path, size: size, key: key)
        } else {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw StoreError.io(file.path, reason: "cannot read")
            }
            try await putSingle(data: data, key: key)
        }
    }

    public func put(data: Data, key: String) async throws {
        if data.count >= multipartThreshold {
            let temp = NSTemporaryDirectory() + ".bb-upload-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: temp, contents: data) else { throw StoreError.io(temp, reason: "cannot write") }
            defer { try? FileManager.default.removeItem(atPath: temp) }
            try await putMultipart(file: temp, size: Int64(data.count), key: key)
        } else {
            try await putSingle(data: data, key: key)
        }
    }

    /// One PUT, with the SHA-256 both signed and sent as `x-amz-checksum-sha256` for S3 to verify.
    func putSingle(data: Data, key: String) async throws {
        let digest = SHA256.hash(data: data)
        var request = request("PUT", key: key, headers: [
            "x-amz-checksum-sha256": Data(digest).base64EncodedString(),
            "content-type": contentType(for: key),
        ], body: data)
        request.signsPayload = true
        _ = try await mapErrors(key) { try await client.send(request) }
        progress?(Int64(data.count))
    }

    // MARK: get

    public func get(key: String, to file: URL, range: ClosedRange<Int64>?) async throws {
        var headers: [String: String] = [:]
        if let range { headers["range"] = "bytes=\(range.lowerBound)-\(range.upperBound)" }
        let request = request("GET", key: key, headers: headers)
        let target = file.path
        let url = url(key)
        let progress = self.progress
        try await mapErrors(key) {
            try await client.execute(request) { response in
                try await Self.receive(response, into: target, url: url, checkETag: range == nil, progress: progress)
            }
        }
    }

    /// Stream a GET answer into a temp file beside `target`, verify it, rename it into place.
    static func receive(_ response: AWSStreamingResponse, into target: String, url: String, checkETag: Bool,
                        progress: (@Sendable (Int64) -> Void)? = nil) async throws {
        let directory = (target as NSString).deletingLastPathComponent
        try makeFolders(directory)
        let temp = directory + "/.bb-tmp-\(UUID().uuidString)-" + (target as NSString).lastPathComponent
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io(target, reason: String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(fd) }
            unlink(temp)
        }
        let etag = response.header("etag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? ""
        // A plain MD5 ETag can be checked as the bytes pass: not multipart ("…-N"), and not
        // encrypted with KMS or a customer key (their ETags are not the MD5 of the content).
        let encryption = response.header("x-amz-server-side-encryption") ?? ""
        let customerKey = response.header("x-amz-server-side-encryption-customer-algorithm") != nil
        let md5Checkable = checkETag && etag.count == 32 && etag.allSatisfy(\.isHexDigit)
            && !encryption.hasPrefix("aws:kms") && !customerKey
        var md5: Insecure.MD5? = md5Checkable ? Insecure.MD5() : nil
        var received: Int64 = 0
        for try await chunk in response.body {
            try chunk.withUnsafeReadableBytes { bytes in
                md5?.update(bufferPointer: bytes)
                var offset = 0
                while offset < bytes.count {
                    let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw StoreError.io(target, reason: String(cString: strerror(errno)))
                    }
                    offset += n
                }
            }
            received += Int64(chunk.readableBytes)
            progress?(Int64(chunk.readableBytes))
        }
        if let expected = response.header("content-length").flatMap(Int64.init), expected != received {
            throw TransferMismatch(message: "\(url): got \(received) of \(expected) bytes")
        }
        if let digest = md5?.finalize(), Data(digest).map({ String(format: "%02x", $0) }).joined() != etag.lowercased() {
            throw TransferMismatch(message: "\(url): downloaded bytes do not match the ETag")
        }
        guard fsync(fd) == 0 || errno == EINVAL else { throw StoreError.io(target, reason: String(cString: strerror(errno))) }
        close(fd)
        closed = true
        guard rename(temp, target) == 0 else { throw StoreError.io(target, reason: String(cString: strerror(errno))) }
    }

    public func read(key: String) async throws -> Data {
        let response = try await mapErrors(key) { try await client.send(request("GET", key: key)) }
        if let expected = response.header("content-length").flatMap(Int.init), expected != response.body.count {
            throw StoreError.corrupt(url(key), reason: "got \(response.body.count) of \(expected) bytes")
        }
        return response.body
    }

    // MARK: head, delete

    public func head(key: String) async throws -> ObjectInfo? {
        do {
            let response = try await mapErrors(key) { try await client.send(request("HEAD", key: key)) }
            return ObjectInfo(key: key, size: response.header("content-length").flatMap(Int64.init) ?? 0,
                              etag: response.header("etag"),
                              lastModified: response.header("last-modified").flatMap(Self.parseHTTPDate))
        } catch StoreError.notFound {
            return nil
        }
    }

    public func delete(key: String) async throws {
        _ = try await mapErrors(key) { try await client.send(request("DELETE", key: key)) }
    }

    /// Delete many keys, 1,000 per `DeleteObjects` request; throws on the first key S3 refused.
    public func delete(keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            let xml = "<Delete><Quiet>true</Quiet>" + batch.map { "<Object><Key>\(S3XML.escape(objectKey($0)))</Key></Object>" }.joined()
                + "</Delete>"
            let body = Data(xml.utf8)
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let response = try await mapErrors(nil) {
                try await client.send(request("POST", key: nil, query: ["delete": ""],
                                              headers: ["content-md5": md5, "content-type": "application/xml"], body: body))
            }
            let text = String(decoding: response.body, as: UTF8.self)
            if let first = S3XML.elements("Error", in: text).first {
                let key = S3XML.value("Key", in: first) ?? "?"
                throw StoreError.refused("s3://\(bucket)/\(key)", code: S3XML.value("Code", in: first) ?? "Error",
                                         reason: S3XML.value("Message", in: first) ?? "")
            }
        }
    }

    // MARK: helpers

    /// Turn AWS and transport errors into store errors that name the object's URL.
    func mapErrors<T>(_ key: String?, _ body: () async throws -> T) async throws -> T {
        let location = key.map { url($0) } ?? "s3://\(bucket)/\(prefix)"
        do {
            return try await body()
        } catch let error as AWSError {
            if error.code == "NoSuchKey" || (error.code == "NotFound" && key != nil) { throw StoreError.notFound(location) }
            if error.code == "NotFound" { throw StoreError.refused(location, code: "NoSuchBucket", reason: "the bucket does not exist") }
            if error.code == "Forbidden" {
                throw StoreError.refused(location, code: "AccessDenied", reason: "access denied (HTTP 403; check credentials and region)")
            }
            throw StoreError.refused(location, code: error.code, reason: error.message)
        } catch let error as AWSClientError {
            throw StoreError.unreachable(location, reason: error.message)
        } catch let error as TransferMismatch {
            throw StoreError.corrupt(location, reason: error.message)
        }
    }

    func fileSize(_ path: String) throws -> Int64 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw StoreError.notFound(path)
        }
        return size
    }

    func contentType(for key: String) -> String {
        switch (key as NSString).pathExtension.lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "exr": return "image/x-exr"
        case "mp4": return "video/mp4"
        case "gif": return "image/gif"
        case "json": return "application/json"
        case "txt", "log", "lua": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// A download whose bytes did not match; the client sends the request again.
struct TransferMismatch: AWSRetryableError, CustomStringConvertible {
    var message: String
    var description: String { message }
}
