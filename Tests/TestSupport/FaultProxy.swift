import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP proxy in front of moto that misbehaves on purpose: for the first requests it
/// drops the connection, answers 500 or 503, or cuts a response short; after that it forwards
/// faithfully. One request per connection (it answers with `Connection: close`).
/// CLITests cut or freeze it in the middle of a render.
public final class FaultProxy: @unchecked Sendable {  // `plan`, `counts` and `stopped` are guarded by `lock`
    public enum Fault: Sendable, Equatable {
        case drop          // read the request, close without answering
        case status(Int)   // answer with this status and an S3-style error body
        case truncate      // forward, but relay only half of the answer
        case freeze        // read the request, then hold the connection without a word until `stop()`
        case forward
    }

    public let port: Int
    private let upstreamPort: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var plan: [Fault]
    private let rule: (@Sendable (String) -> Fault)?
    private var handled = 0
    private var faults = 0
    private var stopped = false

    /// - Parameters:
    ///   - upstream: the moto URL (`http://127.0.0.1:PORT`).
    ///   - plan: faults for the first requests, in order; later requests are forwarded
    ///     (or get what `rule` says for their request head, to make a proxy that keeps failing).
    public init(upstream: String, plan: [Fault], rule: (@Sendable (String) -> Fault)? = nil) throws {
        upstreamPort = UInt16(URL(string: upstream)?.port ?? 80)
        self.plan = plan
        self.rule = rule
        (listener, port) = try Loopback.listen(backlog: 128)
        Thread { [self] in acceptLoop() }.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    /// Requests seen and faults injected so far.
    public var stats: (requests: Int, faults: Int) { lock.withLock { (handled, faults) } }

    public func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func nextFault(_ head: String) -> Fault {
        lock.withLock {
            handled += 1
            let fault = plan.isEmpty ? (rule?(head) ?? .forward) : plan.removeFirst()
            if fault != .forward { faults += 1 }
            return fault
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let (head, body) = Loopback.readMessage(client) else { return }
        switch nextFault(head) {
        case .drop:
            return
        case .freeze:
            while !lock.withLock({ stopped }) { usleep(20_000) }
        case .status(let code):
            let text = "<Error><Code>\(code == 503 ? "SlowDown" : "InternalError")</Code><Message>injected</Message></Error>"
            Loopback.writeAll(client, Data("HTTP/1.1 \(code) Injected\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)".utf8))
        case .forward:
            if let answer = forward(head: head, body: body) { Loopback.writeAll(client, answer) }
        case .truncate:
            if let answer = forward(head: head, body: body) { Loopback.writeAll(client, answer.prefix(answer.count / 2)) }
        }
    }

    /// Send the request to moto with `Connection: close`, read the whole answer, mark it
    /// `Connection: close` too.
    private func forward(head: String, body: Data) -> Data? {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = upstreamPort.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        Loopback.writeAll(upstream, Data(Self.closing(head).utf8) + body)
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(upstream, &buffer, buffer.count)
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else { return answer }
        let responseHead = String(decoding: answer[..<split.lowerBound], as: UTF8.self)
        return Data(Self.closing(responseHead + "\r\n\r\n").utf8) + answer[split.upperBound...]
    }

    /// A message head with its Connection header replaced by `Connection: close`.
    static func closing(_ head: String) -> String {
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty && !$0.lowercased().hasPrefix("connection:") }
        lines.append("Connection: close")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }
}
