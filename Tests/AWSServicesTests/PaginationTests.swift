import AWSCore
import AWSServices
import Foundation
import Testing

/// List calls follow `nextToken` to the last page. moto's Batch never pages and its FIS pages only
/// past 100 items, so a loopback stand-in answers in pages of two, in AWS's shape.
@Suite("Pagination for Batch and FIS (loopback stand-in answering in pages)", .serialized)
struct PaginationTests {
    /// Three pages: items 1-2 with token "p2", 3-4 with "p3", then 5 alone.
    static func page(_ token: String?, item: (Int) -> String, key: String) -> LoopbackServer.Response {
        let (items, next): ([Int], String?) = switch token {
        case nil: ([1, 2], "p2")
        case "p2": ([3, 4], "p3")
        default: ([5], nil)
        }
        let list = items.map(item).joined(separator: ",")
        return .init(status: 200, headers: ["Content-Type": "application/json"],
                     body: #"{"\#(key)":[\#(list)]\#(next.map { #","nextToken":"\#($0)""# } ?? "")}"#)
    }

    func client(_ url: String) -> AWSClient { testClient(url, attempts: 1) }

    @Test("Batch ListJobs: every page, in order, each asked with the previous page's token")
    func batchListJobs() async throws {
        let server = try LoopbackServer { request in
            let token = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["nextToken"] as? String
            return Self.page(token, item: { #"{"jobId":"a:\#($0)","jobName":"shot-render","status":"SUCCEEDED"}"# }, key: "jobSummaryList")
        }
        defer { server.stop() }
        let jobs = try await BatchClient(client: client(server.url)).arrayChildren(of: "a")
        #expect(jobs.map(\.jobId) == (1...5).map { "a:\($0)" })
        let tokens = server.requests.map { (try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any])?["nextToken"] as? String }
        #expect(tokens == [nil, "p2", "p3"])
    }

    @Test("FIS ListExperimentTemplates and ListExperiments: every page, the token in the query")
    func fisLists() async throws {
        let server = try LoopbackServer { request in
            let token = URLComponents(string: request.path)?.queryItems?.first { $0.name == "nextToken" }?.value
            return request.path.hasPrefix("/experimentTemplates")
                ? Self.page(token, item: { #"{"id":"EXT\#($0)","tags":{}}"# }, key: "experimentTemplates")
                : Self.page(token, item: { #"{"id":"EXP\#($0)","experimentTemplateId":"EXT1"}"# }, key: "experiments")
        }
        defer { server.stop() }
        let fis = FISClient(client: client(server.url))
        #expect(try await fis.experimentTemplates().map(\.id) == (1...5).map { "EXT\($0)" })
        #expect(try await fis.experiments().map(\.id) == (1...5).map { "EXP\($0)" })
        #expect(server.requests.count == 6)
        #expect(server.requests.filter { $0.path.contains("nextToken=p3") }.count == 2)
    }
}
