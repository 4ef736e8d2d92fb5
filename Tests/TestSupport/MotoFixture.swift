import AWSCore
import AWSServices
import Foundation
import Testing

/// moto's URL from BLENDBATCH_MOTO_URL (scripts/test and scripts/moto set it); tests needing it declare `.requires(.moto)`.
public let motoURL: String? = ProcessInfo.processInfo.environment["BLENDBATCH_MOTO_URL"]

/// An AWS client pointed at moto with test credentials (moto checks no signatures by default).
public func motoClient() -> AWSClient {
    let environment = AWSEnvironment(variables: [
        "AWS_ENDPOINT_URL": motoURL ?? "http://127.0.0.1:1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "2",
    ], homeDirectory: "/nonexistent")
    var configuration = AWSConfiguration.resolve(environment: environment)
    configuration.s3ForcePathStyle = true
    return AWSClient(configuration: configuration)
}

/// A short unique suffix for resource names: tests share one moto server and never reset it.
public func uniqueName(_ base: String) -> String {
    "\(base)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// What a render submitted to moto needs: a Batch fleet (queue), a registered blendbatch worker job
/// definition (retrying exit 75, the worker's "interrupted") and an empty bucket.
public struct MotoRenderTarget {
    public let fleet: MotoBatchFleet
    public let definition: String
    public let bucket: String

    public static func create(client: AWSClient) async throws -> MotoRenderTarget {
        let fleet = try await MotoBatchFleet.create(client: client)
        let definition = uniqueName("worker")
        _ = try await BatchClient(client: client).registerJobDefinition(.blendbatchWorker(name: definition, image: "img:1", interruptedExitCode: 75))
        let bucket = uniqueName("renders")
        _ = try await client.send(AWSRequest(service: .s3, method: "PUT", path: "/", bucket: bucket))
        return MotoRenderTarget(fleet: fleet, definition: definition, bucket: bucket)
    }
}

/// A Batch queue on moto with a Spot compute environment in front, as scripts/aws/stack.yaml builds it:
/// IAM service role and instance profile, the default VPC's subnets and security group. `queueName`
/// (default `<unique>-render`) and `instanceTypes` (g5.xlarge makes a GPU fleet) may be chosen.
public struct MotoBatchFleet {
    public let queueName: String
    public let queueArn: String
    public let spotEnvironment: String
    public let fleetTag: String

    public static func create(client: AWSClient, queueName: String? = nil, instanceTypes: [String] = ["c5.xlarge"]) async throws -> MotoBatchFleet {
        let base = uniqueName("bb")
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"batch.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let role = try await query(client, .iam, ["Action": "CreateRole", "Version": "2010-05-08",
                                                  "RoleName": "\(base)-service", "AssumeRolePolicyDocument": trust])
        let roleArn = try #require(xmlValues("Arn", role).first)
        _ = try await query(client, .iam, ["Action": "CreateRole", "Version": "2010-05-08",
                                           "RoleName": "\(base)-instance", "AssumeRolePolicyDocument": trust])
        let profile = try await query(client, .iam, ["Action": "CreateInstanceProfile", "Version": "2010-05-08",
                                                     "InstanceProfileName": "\(base)-profile"])
        let profileArn = try #require(xmlValues("Arn", profile).first)
        _ = try await query(client, .iam, ["Action": "AddRoleToInstanceProfile", "Version": "2010-05-08",
                                           "InstanceProfileName": "\(base)-profile", "RoleName": "\(base)-instance"])
        let ec2 = AWSService(signingName: "ec2", serviceId: "EC2")
        let subnets = xmlValues("subnetId", try await query(client, ec2, ["Action": "DescribeSubnets", "Version": "2016-11-15"]))
        let groups = xmlValues("groupId", try await query(client, ec2, ["Action": "DescribeSecurityGroups", "Version": "2016-11-15",
                                                                        "GroupName.1": "default"]))
        let environmentName = "\(base)-spot"
        let fleetTag = base
        let environment: JSONValue = [
            "computeEnvironmentName": .string(environmentName), "type": "MANAGED", "state": "ENABLED",
            "serviceRole": .string(roleArn),
            "computeResources": [
                "type": "SPOT", "allocationStrategy": "SPOT_PRICE_CAPACITY_OPTIMIZED",
                "minvCpus": 0, "maxvCpus": 64, "desiredvCpus": 0, "instanceTypes": .array(instanceTypes.map(JSONValue.string)),
                "subnets": .array(subnets.prefix(2).map(JSONValue.string)),
                "securityGroupIds": .array(groups.prefix(1).map(JSONValue.string)),
                "instanceRole": .string(profileArn),
                "tags": ["blendbatch:fleet": .string(fleetTag), "Name": .string(environmentName)],
            ],
        ]
        let created: JSONValue = try await client.restJSON(.batch, path: "/v1/createcomputeenvironment", body: environment)
        let environmentArn = try #require(created["computeEnvironmentArn"]?.stringValue)
        let queueName = queueName ?? "\(base)-render"
        let queue: JSONValue = try await client.restJSON(.batch, path: "/v1/createjobqueue", body: [
            "jobQueueName": .string(queueName), "state": "ENABLED", "priority": 10,
            "computeEnvironmentOrder": [["order": 1, "computeEnvironment": .string(environmentArn)]],
        ] as JSONValue)
        return MotoBatchFleet(queueName: queueName, queueArn: try #require(queue["jobQueueArn"]?.stringValue),
                              spotEnvironment: environmentName, fleetTag: fleetTag)
    }

    /// A query-protocol call (IAM, EC2): form-encoded POST, XML answer as text.
    public static func query(_ client: AWSClient, _ service: AWSService, _ parameters: [String: String]) async throws -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let form = parameters.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
            .joined(separator: "&")
        let response = try await client.send(service: service, method: "POST", path: "/",
                                             headers: ["content-type": "application/x-www-form-urlencoded; charset=utf-8"],
                                             body: Data(form.utf8))
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The text of every `<tag>` element.
    public static func xmlValues(_ tag: String, _ xml: String) -> [String] {
        var values: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            values.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return values
    }
}
