import AWSCore
import Foundation
import Testing
@testable import ObjectStore

/// moto verifies SigV4 only when told to (`INITIAL_NO_AUTH_ACTION_COUNT`), for the whole server,
/// so these tests run their own moto rather than the shared one.
@Suite("SigV4 checked by moto", .requires(.moto), .serialized)
struct SignatureCheckTests {
    /// Create an IAM user with an allow-all policy in the free calls and return its keys.
    func makeUser(_ url: String) async throws -> (String, String) {
        let anonymous = testClient(url)
        func iam(_ parameters: [String: String]) async throws -> String {
            let form = parameters.merging(["Version": "2010-05-08"]) { $1 }
                .map { "\(AWSURIEncoding.encode($0.key))=\(AWSURIEncoding.encode($0.value))" }.joined(separator: "&")
            let response = try await anonymous.send(AWSRequest(service: .iam, method: "POST", path: "/",
                                                               headers: ["content-type": "application/x-www-form-urlencoded"],
                                                               body: Data(form.utf8)))
            return String(decoding: response.body, as: UTF8.self)
        }
        _ = try await iam(["Action": "CreateUser", "UserName": "renderer"])
        let keys = try await iam(["Action": "CreateAccessKey", "UserName": "renderer"])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await iam(["Action": "PutUserPolicy", "UserName": "renderer", "PolicyName": "all", "PolicyDocument": policy])
        let id = try #require(S3XML.value("AccessKeyId", in: keys[...]))
        let secret = try #require(S3XML.value("SecretAccessKey", in: keys[...]))
        return (id, secret)
    }

    @Test("our signatures are accepted; a wrong secret gets SignatureDoesNotMatch, an unknown key InvalidAccessKeyId")
    func checked() async throws {
        let moto = try PrivateMoto(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"])
        defer { moto.stop() }
        let (id, secret) = try await makeUser(moto.url)
        let good = testClient(moto.url, accessKey: id, secret: secret)
        let bucket = try await makeBucket(good)
        var store = S3Store(bucket: bucket, prefix: "signed", client: good)
        store.multipartThreshold = 5 << 20
        store.partSize = 5 << 20
        try await store.put(data: Data("signed body".utf8), key: "a b+c/ü.txt")
        #expect(try await store.read(key: "a b+c/ü.txt") == Data("signed body".utf8))
        try await store.put(data: randomData(6 << 20), key: "multi")
        #expect(try await store.listAll(prefix: "").map(\.key) == ["a b+c/ü.txt", "multi"])
        #expect(try await store.head(key: "multi")?.size == 6 << 20)
        try await store.delete(key: "multi")

        let wrong = S3Store(bucket: bucket, client: testClient(moto.url, accessKey: id, secret: secret + "x"))
        do {
            _ = try await wrong.read(key: "signed/a b+c/ü.txt")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(error.description.hasPrefix("s3://\(bucket)/signed/a b+c/ü.txt: SignatureDoesNotMatch"))
            #expect(!error.description.contains(secret))
        }
        let unknown = S3Store(bucket: bucket, client: testClient(moto.url, accessKey: "AKIAUNKNOWN000000000", secret: secret))
        do {
            try await unknown.put(data: Data(), key: "x")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.code == "InvalidAccessKeyId")
        }
    }
}
