import Foundation
import Testing
@testable import AWSCore

@Suite("Endpoints and S3 addressing")
struct AWSEndpointTests {
    let noProfile = AWSProfile(name: "default", values: [:], exists: false)

    func resolve(_ service: AWSService, _ variables: [String: String], region: String = "eu-west-1") throws -> AWSEndpoint {
        try AWSEndpoint.resolve(service: service, region: region, environment: AWSEnvironment(variables: variables, homeDirectory: "/x"),
                                profile: noProfile)
    }

    @Test("public endpoints by region")
    func defaults() throws {
        #expect(try resolve(.s3, [:]).url.absoluteString == "https://s3.eu-west-1.amazonaws.com")
        #expect(try resolve(.stepFunctions, [:]).url.absoluteString == "https://states.eu-west-1.amazonaws.com")
        #expect(try resolve(.batch, [:], region: "cn-north-1").url.absoluteString == "https://batch.cn-north-1.amazonaws.com.cn")
        #expect(try resolve(.iam, [:]).url.absoluteString == "https://iam.amazonaws.com")
        #expect(try !resolve(.s3, [:]).isCustom)
    }

    @Test("AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL")
    func serviceSpecific() throws {
        let env = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000",
                   "AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:8083"]
        #expect(try resolve(.s3, env).url.absoluteString == "http://127.0.0.1:9000")
        #expect(try resolve(.stepFunctions, env).url.absoluteString == "http://127.0.0.1:8083")
        #expect(try resolve(.batch, env).url.absoluteString == "http://127.0.0.1:5000")
        #expect(AWSService.stepFunctions.endpointEnvironmentVariable == "AWS_ENDPOINT_URL_SFN")
        #expect(try resolve(.s3, env.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 }).isCustom == false)
    }

    @Test("a malformed endpoint setting is an error naming the variable")
    func malformed() {
        #expect(throws: AWSClientError.self) { try resolve(.s3, ["AWS_ENDPOINT_URL": "127.0.0.1:5000"]) }
    }

    @Test("path-style for emulators, IPs, localhost and dotted buckets; virtual hosts on AWS")
    func pathStyle() throws {
        let aws = try resolve(.s3, [:])
        #expect(!aws.s3UsesPathStyle(bucket: "render-bucket"))
        #expect(aws.s3UsesPathStyle(bucket: "my.dotted.bucket"))
        #expect(aws.s3UsesPathStyle(bucket: "render-bucket", forcePathStyle: true))
        #expect(try resolve(.s3, ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]).s3UsesPathStyle(bucket: "b-1"))
        let localhost = AWSEndpoint(url: URL(string: "http://localhost:9000")!, isCustom: false)
        #expect(localhost.s3UsesPathStyle(bucket: "render-bucket"))
        let ip = AWSEndpoint(url: URL(string: "http://10.0.0.5")!, isCustom: false)
        #expect(ip.hostIsAddressOrLocalhost)
    }

    @Test("request URLs: path-style puts the bucket first and encodes the key once")
    func preparedURLs() throws {
        let emulator = AWSEndpoint(url: URL(string: "http://127.0.0.1:5073")!, isCustom: true)
        let request = AWSRequest(service: .s3, method: "GET", path: "/frames/shot 1/ü+.png", query: ["versionId": "a b"], bucket: "bkt")
        let prepared = try Prepared(request: request, endpoint: emulator, forcePathStyle: false)
        #expect(prepared.url == "http://127.0.0.1:5073/bkt/frames/shot%201/%C3%BC%2B.png?versionId=a%20b")
        #expect(prepared.host == "127.0.0.1:5073")
        let aws = AWSEndpoint(url: URL(string: "https://s3.us-east-1.amazonaws.com")!, isCustom: false)
        let virtual = try Prepared(request: request, endpoint: aws, forcePathStyle: false)
        #expect(virtual.url.hasPrefix("https://bkt.s3.us-east-1.amazonaws.com/frames/"))
    }
}
