import Foundation

/// An empty JSON object, for calls that send or return nothing of interest.
public struct AWSEmpty: Codable, Sendable, Equatable {
    public init() {}
}

extension AWSClient {
    /// Call a REST-JSON service (Batch `POST /v1/submitjob`, FIS `GET /experiments/{id}`):
    /// `body` is sent as JSON, the answer decoded as `Output`.
    public func restJSON<Output: Decodable>(_ service: AWSService, method: String = "POST", path: String,
                                            query: [String: String] = [:], body: (any Encodable)? = nil,
                                            as output: Output.Type = Output.self) async throws -> Output {
        let data = try body.map { try JSONEncoder().encode($0) } ?? Data()
        var headers: [String: String] = [:]
        if body != nil { headers["content-type"] = "application/json" }
        let response = try await send(AWSRequest(service: service, method: method, path: path, query: query,
                                                 headers: headers, body: data))
        return try decode(response, as: output, service: service)
    }

    /// Call a JSON-RPC service (Step Functions, ECR): `POST /` with `X-Amz-Target: <target>`
    /// and `Content-Type: application/x-amz-json-<jsonVersion>`.
    public func jsonTarget<Output: Decodable>(_ service: AWSService, target: String, jsonVersion: String = "1.0",
                                              body: any Encodable, as output: Output.Type = Output.self) async throws -> Output {
        let data = try JSONEncoder().encode(body)
        let response = try await send(AWSRequest(service: service, method: "POST", path: "/",
                                                 headers: ["x-amz-target": target,
                                                           "content-type": "application/x-amz-json-\(jsonVersion)"],
                                                 body: data))
        return try decode(response, as: output, service: service)
    }

    private func decode<Output: Decodable>(_ response: AWSResponse, as output: Output.Type, service: AWSService) throws -> Output {
        do {
            return try response.decode(output)
        } catch {
            throw AWSClientError.invalidResponse("\(service) answer does not match \(Output.self): \(error)")
        }
    }
}
