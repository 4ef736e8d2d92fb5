import Crypto
import Foundation
import Testing
@testable import AWSCore

/// One case of AWS's SigV4 test suite: the request and the expected output of each stage.
struct SuiteCase: CustomStringConvertible {
    var name: String
    var method: String
    var path: String
    var query: [(String, String)]
    var headers: [(String, String)]
    var body: Data
    var canonicalRequest: String
    var stringToSign: String
    var authorization: String

    var description: String { name }

    static let directory = sharedDirectory() + "/testdata/aws-sig-v4-test-suite/aws-sig-v4-test-suite"

    /// Every case directory (those holding a `.req`), nested ones included.
    static func all() -> [SuiteCase] {
        let walker = FileManager.default.enumerator(atPath: directory)
        var cases: [SuiteCase] = []
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".req") else { continue }
            let base = directory + "/" + relative.dropLast(4)
            if let c = try? SuiteCase(base: String(base)) { cases.append(c) }
        }
        return cases.sorted { $0.name < $1.name }
    }

    init(base: String) throws {
        name = (base as NSString).lastPathComponent
        func read(_ ext: String) throws -> String { try String(contentsOfFile: base + ext, encoding: .utf8) }
        canonicalRequest = try read(".creq")
        stringToSign = try read(".sts")
        authorization = try read(".authz")
        // request.txt: "METHOD path HTTP/1.1", headers (indented lines continue the previous one), blank line, body.
        let request = try read(".req")
        let (head, bodyText) = request.range(of: "\n\n").map { (String(request[..<$0.lowerBound]), String(request[$0.upperBound...])) }
            ?? (request, "")
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = AWSURIEncoding.parseQuery(String(target[target.index(after: mark)...]))
        } else {
            path = target
            query = []
        }
        headers = []
        for line in lines {
            if line.first == " " || line.first == "\t", let last = headers.last {
                headers.append((last.0, line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        body = Data(bodyText.utf8)
    }
}

let suiteCredentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

@Suite("SigV4 signer")
struct SigV4SignerTests {
    @Test("the suite is present and complete")
    func suitePresent() {
        #expect(SuiteCase.all().count == 31)
    }

    @Test("AWS SigV4 test suite, stage by stage", arguments: SuiteCase.all())
    func suiteCase(_ c: SuiteCase) throws {
        let signer = SigV4Signer(credentials: suiteCredentials, region: "us-east-1", service: "service")
        let timestamp = SigV4Timestamp(suiteDate)
        #expect(timestamp.long == "20150830T123600Z")
        let signed = signer.sign(method: c.method, path: c.path, query: c.query, headers: c.headers,
                                 payloadHash: SigV4Signer.payloadHash(c.body), timestamp: timestamp)
        // Stage 1: canonical request.
        #expect(signed.canonicalRequest.text == c.canonicalRequest)
        let expectedHash = SHA256.hexDigest(Data(c.canonicalRequest.utf8))
        if c.stringToSign.hasSuffix(expectedHash) {
            // Stage 2: string to sign; stage 3: the Authorization header.
            #expect(signed.stringToSign == c.stringToSign)
            #expect(signed.authorization == c.authorization)
        } else {
            // The two form-urlencoded cases are inconsistent in AWS's suite itself: their .sts does not
            // hash their .creq (the .sts was made without the content-length header). Check that we
            // are consistent with the .creq and that nothing else is affected.
            #expect(c.name.hasPrefix("post-x-www-form-urlencoded"))
            #expect(signed.stringToSign == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\(expectedHash)")
        }
    }

    @Test("post-x-www-form-urlencoded matches the suite when content-length is left unsigned")
    func formWithoutContentLength() throws {
        let c = try #require(SuiteCase.all().first { $0.name == "post-x-www-form-urlencoded" })
        let signer = SigV4Signer(credentials: suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(method: c.method, path: c.path, query: c.query,
                                 headers: c.headers.filter { $0.0.lowercased() != "content-length" },
                                 payloadHash: SigV4Signer.payloadHash(c.body), timestamp: SigV4Timestamp(suiteDate))
        #expect(signed.stringToSign == c.stringToSign)
        #expect(signed.authorization == c.authorization)
    }

    @Test("signHeaders adds x-amz-date and Authorization, and the session token when there is one")
    func signHeadersEndToEnd() throws {
        let c = try #require(SuiteCase.all().first { $0.name == "post-sts-header-before" })
        let token = try #require(c.headers.first { $0.0 == "X-Amz-Security-Token" }?.1)
        var credentials = suiteCredentials
        credentials.sessionToken = token
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let headers = signer.signHeaders(method: c.method, path: c.path, query: c.query,
                                         headers: c.headers.filter { $0.0 != "X-Amz-Security-Token" && $0.0 != "X-Amz-Date" },
                                         payloadHash: SigV4Signer.emptyPayloadHash, date: suiteDate)
        #expect(headers.first { $0.0 == "authorization" }?.1 == c.authorization)
        #expect(headers.first { $0.0 == "x-amz-security-token" }?.1 == token)
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
    }

    @Test("path normalization and header trimming helpers")
    func helpers() {
        #expect(CanonicalRequest.normalize("//example//") == "/example/")
        #expect(CanonicalRequest.normalize("/example1/example2/../..") == "/")
        #expect(CanonicalRequest.normalize("/./") == "/")
        #expect(CanonicalRequest.trimmed("  \"a   b   c\" ") == "\"a b c\"")
        #expect(AWSURIEncoding.encode("a b/ü~", keepSlash: true) == "a%20b/%C3%BC~")
        #expect(AWSURIEncoding.encode("a/b") == "a%2Fb")
        #expect(AWSURIEncoding.decode("a%20b%2Fc") == "a b/c")
    }
}

/// The worked S3 examples of AWS's documentation ("Signature Calculations for the Authorization
/// Header", "Authenticating Requests: Using Query Parameters").
@Suite("SigV4 S3 documentation examples")
struct SigV4S3ExampleTests {
    let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    let prefix = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "

    func authorization(_ method: String, _ path: String, _ query: [(String, String)], _ headers: [(String, String)], payload: String) -> String? {
        signer.signHeaders(method: method, path: path, query: query, headers: headers, payloadHash: payload, date: date)
            .first { $0.0 == "authorization" }?.1
    }

    @Test("GET Object with a range")
    func getObject() {
        let auth = authorization("GET", "/test.txt", [], [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
                                 payload: SigV4Signer.emptyPayloadHash)
        #expect(auth == prefix + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("PUT Object with a signed payload, the canonical request checked too")
    func putObject() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let payload = SigV4Signer.payloadHash(body)
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                       ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payload),
                       ("x-amz-date", "20130524T000000Z")]
        let signed = signer.sign(method: "PUT", path: "/" + AWSURIEncoding.encode("test$file.text"), query: [], headers: headers,
                                 payloadHash: payload, timestamp: SigV4Timestamp(date))
        #expect(signed.canonicalRequest.text == """
            PUT
            /test%24file.text

            date:Fri, 24 May 2013 00:00:00 GMT
            host:examplebucket.s3.amazonaws.com
            x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
            x-amz-date:20130524T000000Z
            x-amz-storage-class:REDUCED_REDUNDANCY

            date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
            44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
            """)
        #expect(signed.authorization == prefix + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("GET Bucket lifecycle (a query parameter without value)")
    func getLifecycle() {
        let auth = authorization("GET", "/", [("lifecycle", "")], [("Host", "examplebucket.s3.amazonaws.com")],
                                 payload: SigV4Signer.emptyPayloadHash)
        #expect(auth == prefix + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test("GET Bucket (list objects) with sorted query parameters")
    func listObjects() {
        let auth = authorization("GET", "/", [("max-keys", "2"), ("prefix", "J")], [("Host", "examplebucket.s3.amazonaws.com")],
                                 payload: SigV4Signer.emptyPayloadHash)
        #expect(auth == prefix + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("presigned GET URL")
    func presignedURL() throws {
        let url = try #require(signer.presignURL(url: URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")!, expires: 86400, date: date))
        let query = AWSURIEncoding.parseQuery(url.query ?? "")
        #expect(query.first { $0.0 == "X-Amz-Signature" }?.1 == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(query.first { $0.0 == "X-Amz-Credential" }?.1 == "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request")
        #expect(url.absoluteString.hasPrefix("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
    }

    @Test("credentials never print their secret")
    func redaction() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "TOKENVALUE")
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("wJalr"))
            #expect(!text.contains("TOKENVALUE"))
            #expect(!text.contains("AKIAIOSFODNN7"))
        }
    }
}
