import AWSCore
import Crypto
import Foundation

extension S3Store {
    /// One uploaded part, as CompleteMultipartUpload wants it back.
    struct UploadedPart: Sendable {
        var number: Int
        var etag: String
        var checksum: String
    }

    /// Upload `file` in parts of `partSize`, `partConcurrency` in flight. On any failure the
    /// upload is aborted so no orphaned parts remain (and keep costing money).
    func putMultipart(file: String, size: Int64, key: String) async throws {
        let created = try await mapErrors(key) {
            try await client.send(request("POST", key: key, query: ["uploads": ""],
                                          headers: ["content-type": contentType(for: key), "x-amz-checksum-algorithm": "SHA256"]))
        }
        guard let uploadId = S3XML.value("UploadId", in: String(decoding: created.body, as: UTF8.self)[...]) else {
            throw StoreError.refused(url(key), code: "InvalidResponse", reason: "no UploadId in CreateMultipartUpload answer")
        }
        do {
            let parts = try await uploadParts(file: file, size: size, key: key, uploadId: uploadId)
            do {
                try await complete(key: key, uploadId: uploadId, parts: parts)
            } catch StoreError.refused(_, "NoSuchUpload", _) {
                // The first CompleteMultipartUpload went through but its answer was lost, so the
                // retry finds no upload: done if the object is there with every byte.
                guard let info = try await head(key: key), info.size == size,
                      info.etag?.hasSuffix("-\(parts.count)\"") == true else { throw StoreError.refused(url(key), code: "NoSuchUpload", reason: "upload vanished before it completed") }
            }
        } catch {
            // Abort even when cancelled: an orphaned upload is invisible and billed.
            let abort = request("DELETE", key: key, query: ["uploadId": uploadId])
            let client = self.client
            _ = try? await Task.detached { try await client.send(abort) }.value
            throw error
        }
    }

    private func uploadParts(file: String, size: Int64, key: String, uploadId: String) async throws -> [UploadedPart] {
        let partSize = Int64(self.partSize)
        let count = Int((size + partSize - 1) / partSize)
        return try await withThrowingTaskGroup(of: UploadedPart.self) { group in
            var parts: [UploadedPart] = []
            var next = 0
            func startNext() {
                let number = next + 1
                let offset = Int64(next) * partSize
                let length = Int(min(partSize, size - offset))
                next += 1
                group.addTask { try await uploadPart(file: file, offset: offset, length: length, number: number, key: key, uploadId: uploadId) }
            }
            while next < min(count, max(1, partConcurrency)) { startNext() }
            while let part = try await group.next() {
                parts.append(part)
                if next < count { startNext() }
            }
            return parts.sorted { $0.number < $1.number }
        }
    }

    private func uploadPart(file: String, offset: Int64, length: Int, number: Int, key: String, uploadId: String) async throws -> UploadedPart {
        let data = try readChunk(file, offset: offset, length: length)
        let checksum = Data(SHA256.hash(data: data)).base64EncodedString()
        let response = try await mapErrors(key) {
            try await client.send(request("PUT", key: key, query: ["partNumber": String(number), "uploadId": uploadId],
                                          headers: ["x-amz-checksum-sha256": checksum], body: data))
        }
        guard let etag = response.header("etag") else {
            throw StoreError.refused(url(key), code: "InvalidResponse", reason: "no ETag for part \(number)")
        }
        progress?(Int64(length))
        return UploadedPart(number: number, etag: etag, checksum: checksum)
    }

    private func complete(key: String, uploadId: String, parts: [UploadedPart]) async throws {
        let xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + parts.map {
            "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag><ChecksumSHA256>\($0.checksum)</ChecksumSHA256></Part>"
        }.joined() + "</CompleteMultipartUpload>"
        let response = try await mapErrors(key) {
            try await client.send(request("POST", key: key, query: ["uploadId": uploadId],
                                          headers: ["content-type": "application/xml"], body: Data(xml.utf8)))
        }
        // S3 may answer 200 and still put an <Error> in the body.
        let text = String(decoding: response.body, as: UTF8.self)
        if text.contains("<Error>"), let code = S3XML.value("Code", in: text[...]) {
            throw StoreError.refused(url(key), code: code, reason: S3XML.value("Message", in: text[...]) ?? "")
        }
    }

    /// `length` bytes of `path` from `offset`.
    func readChunk(_ path: String, offset: Int64, length: Int) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var data = Data(count: length)
        let read = data.withUnsafeMutableBytes { buffer -> Int in
            var done = 0
            while done < length {
                let n = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
                if n < 0 { if errno == EINTR { continue }; return -1 }
                if n == 0 { break }
                done += n
            }
            return done
        }
        guard read == length else { throw StoreError.io(path, reason: "file changed while uploading (short read)") }
        return data
    }
}
