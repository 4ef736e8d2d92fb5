import Testing
@testable import ObjectStore

@Suite("Store errors: one line naming the URL and the code, and what to do when the credentials are the cause")
struct StoreErrorTests {
    @Test("an expired session token says to get fresh credentials")
    func expiredToken() {
        let error = StoreError.refused("s3://bkt/jobs/j1/frame_0001.png", code: "ExpiredToken", reason: "The provided token has expired.")
        #expect(error.description == "s3://bkt/jobs/j1/frame_0001.png: ExpiredToken: The provided token has expired; "
            + "get fresh credentials (aws sso login, or a new AWS_SESSION_TOKEN), then run it again")
    }

    @Test("wrong keys point at the credential settings; a skewed clock at the clock; other refusals carry no hint",
          arguments: [("SignatureDoesNotMatch", "check the credentials"), ("InvalidAccessKeyId", "check the credentials"),
                      ("RequestTimeTooSkewed", "clock"), ("NoSuchBucket", nil), ("AccessDenied", nil)] as [(String, String?)])
    func hints(code: String, hint: String?) {
        let text = StoreError.refused("s3://bkt/k", code: code, reason: "").description
        if let hint {
            #expect(text.hasPrefix("s3://bkt/k: \(code); ") && text.contains(hint))
        } else {
            #expect(text == "s3://bkt/k: \(code)")
        }
    }
}
