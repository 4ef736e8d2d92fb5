import AWSCore
import Foundation

/// The AWS Fault Injection Service calls blendbatch makes, on the shared signed client.
public struct FISClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// Send one operation to its method and path, decode the answer.
    public func send<Operation: FISOperation>(_ operation: Operation) async throws -> Operation.Response {
        let body = try operation.body()
        let response = try await client.send(service: .fis, method: operation.method, path: operation.path,
                                             query: operation.query,
                                             headers: body == nil ? [:] : ["content-type": "application/json"],
                                             body: body ?? Data())
        do {
            return try response.decode(Operation.Response.self)
        } catch {
            throw AWSClientError.invalidResponse("fis answer does not match \(Operation.Response.self): \(error)")
        }
    }

    public func createExperimentTemplate(_ request: CreateExperimentTemplateRequest) async throws -> ExperimentTemplate {
        try await send(request).experimentTemplate
    }

    public func experimentTemplate(id: String) async throws -> ExperimentTemplate {
        try await send(GetExperimentTemplateRequest(id: id)).experimentTemplate
    }

    /// Every experiment template, all pages.
    public func experimentTemplates() async throws -> [ExperimentTemplateSummary] {
        try await allPages(ListExperimentTemplatesRequest(), items: \.experimentTemplates) { try await send($0) }
    }

    public func startExperiment(templateId: String, tags: [String: String]? = nil) async throws -> Experiment {
        try await send(StartExperimentRequest(experimentTemplateId: templateId, tags: tags)).experiment
    }

    public func experiment(id: String) async throws -> Experiment {
        try await send(GetExperimentRequest(id: id)).experiment
    }

    public func stopExperiment(id: String) async throws -> Experiment {
        try await send(StopExperimentRequest(id: id)).experiment
    }

    /// Experiments, optionally of one template, all pages.
    public func experiments(templateId: String? = nil) async throws -> [ExperimentSummary] {
        try await allPages(ListExperimentsRequest(experimentTemplateId: templateId), items: \.experiments) { try await send($0) }
    }
}
