import Foundation
import Testing
@testable import AWSCore

@Suite("AWS error answers")
struct AWSErrorTests {
    @Test("S3 XML error with request id")
    func s3XML() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nope</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let error = AWSError.parse(service: "s3", statusCode: 404, headers: [], body: Data(body.utf8))
        #expect(error.code == "NoSuchBucket")
        #expect(error.message == "The specified bucket does not exist")
        #expect(error.requestId == "4442587FB7D0A2F9")
        #expect(error.description == "s3 NoSuchBucket (HTTP 404): The specified bucket does not exist [request 4442587FB7D0A2F9]")
        #expect(!error.isRetryable)
    }

    @Test("JSON errors: __type with a namespace, x-amzn-ErrorType, Message spelled either way")
    func json() {
        let sfn = AWSError.parse(service: "states", statusCode: 400, headers: [("x-amzn-RequestId", "r-1")],
                                 body: Data(#"{"__type":"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist","message":"gone"}"#.utf8))
        #expect(sfn.code == "ExecutionDoesNotExist")
        #expect(sfn.message == "gone")
        #expect(sfn.requestId == "r-1")
        let batch = AWSError.parse(service: "batch", statusCode: 400, headers: [("x-amzn-ErrorType", "ClientException:http://internal.amazon.com/")],
                                   body: Data(#"{"Message":"Job queue nope does not exist"}"#.utf8))
        #expect(batch.code == "ClientException")
        #expect(batch.message == "Job queue nope does not exist")
    }

    @Test("moto's XML ErrorResponse for a JSON service")
    func errorResponse() {
        let body = #"<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>abc</RequestId></ErrorResponse>"#
        let error = AWSError.parse(service: "batch", statusCode: 403, headers: [], body: Data(body.utf8))
        #expect(error.code == "InvalidClientTokenId")
        #expect(error.requestId == "abc")
    }

    @Test("empty bodies get a code from the status; throttling and 5xx are retryable, 4xx not")
    func statusCodes() {
        #expect(AWSError.parse(service: "s3", statusCode: 404, headers: [], body: Data()).code == "NotFound")
        #expect(AWSError.parse(service: "s3", statusCode: 403, headers: [], body: Data()).code == "Forbidden")
        #expect(AWSError.parse(service: "s3", statusCode: 503, headers: [], body: Data()).isRetryable)
        #expect(AWSError(service: "s3", code: "SlowDown", message: "", statusCode: 503).isRetryable)
        #expect(AWSError(service: "batch", code: "ThrottlingException", message: "", statusCode: 400).isRetryable)
        #expect(AWSError(service: "s3", code: "RequestTimeout", message: "", statusCode: 400).isRetryable)
        #expect(!AWSError(service: "s3", code: "AccessDenied", message: "", statusCode: 403).isRetryable)
        #expect(AWSError(service: "s3", code: "ExpiredToken", message: "", statusCode: 400).isExpiredCredentials)
    }

    @Test("backoff grows, is capped, and is never zero")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.2, maxDelay: 1)
        for _ in 0..<50 {
            #expect((0.1...0.2).contains(policy.delay(beforeRetry: 1)))
            #expect((0.4...0.8).contains(policy.delay(beforeRetry: 3)))
            #expect((0.5...1).contains(policy.delay(beforeRetry: 10)))
        }
    }
}
