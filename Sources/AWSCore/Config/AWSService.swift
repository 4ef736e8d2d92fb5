import Foundation

/// An AWS service as the client needs to know it: how to sign for it and where to find it.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// The name in the SigV4 credential scope (`states` for Step Functions).
    public var signingName: String
    /// The first label of the default host name (`states.us-east-1.amazonaws.com`).
    public var endpointPrefix: String
    /// The SDK service id, which names `AWS_ENDPOINT_URL_<ID>` (`SFN` for Step Functions).
    public var serviceId: String
    /// A global service has one endpoint in `us-east-1` (IAM).
    public var isGlobal: Bool

    public init(signingName: String, endpointPrefix: String? = nil, serviceId: String, isGlobal: Bool = false) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix ?? signingName
        self.serviceId = serviceId
        self.isGlobal = isGlobal
    }

    public static let s3 = AWSService(signingName: "s3", serviceId: "S3")
    public static let batch = AWSService(signingName: "batch", serviceId: "Batch")
    public static let fis = AWSService(signingName: "fis", serviceId: "fis")
    public static let stepFunctions = AWSService(signingName: "states", serviceId: "SFN")
    public static let ecr = AWSService(signingName: "ecr", endpointPrefix: "api.ecr", serviceId: "ECR")
    public static let sts = AWSService(signingName: "sts", serviceId: "STS")
    public static let ec2 = AWSService(signingName: "ec2", serviceId: "EC2")
    public static let iam = AWSService(signingName: "iam", serviceId: "IAM", isGlobal: true)

    /// `AWS_ENDPOINT_URL_<SERVICE_ID>`: upper case, spaces and dashes as underscores.
    public var endpointEnvironmentVariable: String {
        "AWS_ENDPOINT_URL_" + serviceId.uppercased().map { $0 == " " || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    /// The `services` section key in the config file (`sfn`, `s3`).
    var configKey: String { serviceId.lowercased().replacingOccurrences(of: " ", with: "_") }

    public var description: String { signingName }
}
