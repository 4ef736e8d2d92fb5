import Foundation
import LuaKit
import Testing
@testable import Scripting

/// `notify.webhook` against a real HTTP server on loopback (Tests/Fixtures/webhook-server.py).
@Suite("notify module", .serialized)
struct NotifyModuleTests {
    /// A running webhook server answering with `statuses` in turn; its requests are in `log`.
    final class Server {
        let process = Process()
        let port: Int
        let log = NSTemporaryDirectory() + "bb-webhook-\(UUID().uuidString.prefix(8)).jsonl"

        init(statuses: String) throws {
            var url = URL(fileURLWithPath: #filePath)
            for _ in 0..<2 { url.deleteLastPathComponent() }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [url.path + "/Fixtures/webhook-server.py", statuses, log]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }

        var requests: [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        deinit {
            // SIGKILL: the server may inherit a blocked SIGTERM from the test thread that started it.
            kill(process.processIdentifier, SIGKILL)
            try? FileManager.default.removeItem(atPath: log)
        }
    }

    static let token = "tok-\(UUID().uuidString.prefix(12))"

    init() {
        setenv("BLENDBATCH_NOTIFY_TOKEN", Self.token, 1)
        setenv("NOTIFY_TEST_BEARER", "bearer-" + Self.token, 1)
    }

    @Test("posts the JSON with secrets from the environment; a 500 and a 503 are tried again")
    func delivers() throws {
        let server = try Server(statuses: "500,503,200")
        let lua = try ScriptEngine.makeState(trusted: true)
        let r = try lua.run("""
            local notify = require "notify"
            return notify.webhook{url = 'http://127.0.0.1:\(server.port)/hook/${BLENDBATCH_NOTIFY_TOKEN}',
                                  json = {text = 'shot sh010 done', blocks = {{type = 'section'}}},
                                  headers = {Authorization = 'Bearer ${NOTIFY_TEST_BEARER}'}}
            """)
        #expect(r.first == .boolean(true))
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests.last?["path"] as? String == "/hook/\(Self.token)")
        #expect(requests.last?["authorization"] as? String == "Bearer bearer-\(Self.token)")
        #expect(requests.last?["type"] as? String == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(((requests.last?["body"] as? String) ?? "").utf8)) as? [String: Any])
        #expect(body["text"] as? String == "shot sh010 done")
    }

    @Test("not delivered: one line naming ${NAME}, never the secret; a 404 is not tried again")
    func failures() throws {
        let busy = try Server(statuses: "503")
        let missing = try Server(statuses: "404")
        let lua = try ScriptEngine.makeState(trusted: true)
        let r = try lua.run("""
            local notify = require "notify"
            local function post(port, attempts)
              return notify.webhook{url = 'http://127.0.0.1:' .. port .. '/hook/${BLENDBATCH_NOTIFY_TOKEN}', json = {text = 'x'}, attempts = attempts}
            end
            local a, am, ac = post(\(busy.port), 2)
            local b, bm, bc = post(\(missing.port), 3)
            local c, cm, cc = notify.webhook{url = 'http://example.com/hook', json = {text = 'x'}}
            local d, dm, dc = notify.webhook{url = 'https://hooks.example.com/${BLENDBATCH_NOTIFY_UNSET}', json = {}}
            return am, ac, bm, bc, cm, cc, dm, dc, a == nil and b == nil and c == nil and d == nil
            """)
        let busyMessage = r[0].stringValue ?? ""
        #expect(busyMessage.contains("${BLENDBATCH_NOTIFY_TOKEN}") && busyMessage.contains("after 2 attempt(s): HTTP 503"), "\(busyMessage)")
        #expect(r[1] == .string("unavailable") && busy.requests.count == 2)
        #expect(r[2].stringValue?.contains("HTTP 404") == true && missing.requests.count == 1)
        #expect(r[4].stringValue?.contains("webhooks go over https://") == true && r[5] == .string("usage"))
        #expect(r[6].stringValue?.contains("${BLENDBATCH_NOTIFY_UNSET} is not set") == true && r[7] == .string("usage"))
        #expect(r[8] == .boolean(true))
        #expect(!r.compactMap(\.stringValue).contains { $0.contains(Self.token) })
    }

    @Test("sandboxed: only hosts in notify_hosts, only BLENDBATCH_NOTIFY_ variables, no notify.command")
    func sandbox() throws {
        let server = try Server(statuses: "200")
        var config = StudioConfig()
        config.notifyHosts = ["127.0.0.1"]
        let allowed = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: [], config: config))
        let refused = try ScriptEngine.makeState(trusted: false, capabilities: .sandbox(handing: []))
        let code = """
            local notify = require "notify"
            local url = 'http://127.0.0.1:\(server.port)/hook/${BLENDBATCH_NOTIFY_TOKEN}'
            local ok, posted = pcall(notify.webhook, {url = url, json = {text = 'x'}})
            local _, home = notify.webhook{url = 'http://127.0.0.1:\(server.port)/${HOME}', json = {}}
            local cmd, why = pcall(notify.command, {'true'})
            return ok, posted, home, cmd, why
            """
        let yes = try allowed.run(code)
        #expect(yes[0] == .boolean(true) && yes[1] == .boolean(true) && server.requests.count == 1)
        #expect(yes[2].stringValue?.contains("only variables named BLENDBATCH_NOTIFY_") == true)
        #expect(yes[3] == .boolean(false) && yes[4].stringValue?.contains("only trusted recipes may") == true)
        let no = try refused.run(code)
        #expect(no[0] == .boolean(false) && no[1].stringValue?.contains("may not post to 127.0.0.1") == true)
        #expect(server.requests.count == 1)
        #expect(try ScriptEngine.makeState(trusted: true).run("return require('notify').command{'true'}").first == .boolean(true))
    }
}
