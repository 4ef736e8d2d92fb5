/// A list request AWS answers a page at a time; the next page is asked for with `nextToken`.
public protocol PaginatedRequest: Sendable {
    associatedtype Page: PaginatedResponse
    var nextToken: String? { get set }
}

/// One page of a list answer: `nextToken` is nil on the last page.
public protocol PaginatedResponse {
    var nextToken: String? { get }
}

/// Every item of a paginated call: sends `request`, then again with each page's `nextToken`
/// until a page has none, collecting `items` of each page in order.
func allPages<Request: PaginatedRequest, Item>(_ request: Request, items: (Request.Page) -> [Item],
                                               send: (Request) async throws -> Request.Page) async throws -> [Item] {
    var request = request
    var all: [Item] = []
    repeat {
        let page = try await send(request)
        all += items(page)
        request.nextToken = page.nextToken
    } while request.nextToken != nil
    return all
}

extension DescribeJobDefinitionsRequest: PaginatedRequest { public typealias Page = Response }
extension ListJobsRequest: PaginatedRequest { public typealias Page = Response }
extension DescribeComputeEnvironmentsRequest: PaginatedRequest { public typealias Page = Response }
extension ListExperimentTemplatesRequest: PaginatedRequest { public typealias Page = Response }
extension ListExperimentsRequest: PaginatedRequest { public typealias Page = Response }
extension DescribeJobDefinitionsResponse: PaginatedResponse {}
extension ListJobsResponse: PaginatedResponse {}
extension DescribeComputeEnvironmentsResponse: PaginatedResponse {}
extension ListExperimentTemplatesResponse: PaginatedResponse {}
extension ListExperimentsResponse: PaginatedResponse {}
