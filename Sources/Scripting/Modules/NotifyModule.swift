import Foundation
import LuaKit
import Notify
import ProcessSpawn
import Render

extension LuaModule {
    /// `notify`: tell people about jobs (chat webhooks, a local command).
    static let notify = LuaModule("notify", doc: """
        Tell people about jobs: notify.webhook{url=, json=} posts JSON to Slack, Teams, ntfy or any JSON webhook;
        notify.command{...} runs a local program (trusted recipes only). Secrets go in the environment and are
        named as ${NAME} in url and headers; messages print ${NAME}, never the secret. See README: Studio workflows.
        """) { m in
        m.function("webhook", doc: """
            notify.webhook{url=, json={...} [, headers={Name='value'}, attempts=3]} -> true | nil, err, code
            POST json (encoded as JSON) to url: https://, or http:// to this machine. ${NAME} in url and headers is
            the environment variable NAME (sandboxed recipes: only BLENDBATCH_NOTIFY_… names). A connection error,
            5xx or 429 is tried again (attempts in all, backoff 0.5 s doubling); another 4xx is final.
            Sandboxed recipes post only to hosts the studio configuration lists (notify_hosts).
            Slack/Teams: json={text='shot done'}; ntfy: url='https://ntfy.sh', json={topic=, title=, message=}.
            """) { args in
            let options = try args.table(1).tableValue ?? [:]
            guard let urlText = options["url"]?.stringValue else { throw args.error(1, "field 'url': the webhook's URL expected") }
            guard let json = options["json"], json.typeName == "table" else { throw args.error(1, "field 'json': a table to send expected") }
            let capabilities = Capabilities.of(args)
            let environment = ProcessInfo.processInfo.environment
            let mayRead: (String) -> Bool = { capabilities.isTrusted || $0.hasPrefix("BLENDBATCH_NOTIFY_") }
            var webhook: Webhook
            do {
                let url = try SecretText(urlText, environment: environment, mayRead: mayRead)
                var headers: [String: SecretText] = [:]
                for (name, value) in options["headers"]?.tableValue ?? [:] {
                    guard let text = value.stringValue else { throw args.error(1, "field 'headers': name = 'text' pairs expected") }
                    headers[name] = try SecretText(text, environment: environment, mayRead: mayRead)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                webhook = Webhook(url: url, headers: headers, body: try encoder.encode(json))
                try capabilities.requireWebhook(host: try Webhook.host(of: url), args)
            } catch let problem as SecretText.Problem {
                return .failure("notify.webhook: \(problem)", code: "usage")
            } catch let failure as Webhook.Failure {
                return .failure("notify.webhook: \(failure)", code: "usage")
            }
            if let attempts = options["attempts"]?.intValue { webhook.attempts = min(10, max(1, attempts)) }
            let delivery = webhook
            do {
                try args.wait { try await delivery.post() }
                return .value(.boolean(true))
            } catch let failure as Webhook.Failure {
                return .failure("notify.webhook: \(failure)", code: failure.isUsage ? "usage" : "unavailable")
            }
        }
        m.function("command", doc: """
            notify.command{'program', 'arg', ...} -> true | nil, err, code
            Run a program (no shell) and wait for it, e.g. notify.command{'notify-send', 'shots done'}. Trusted
            recipes only (--trust, or a trusted_recipes origin): a sandboxed one is refused.
            """) { args in
            try Capabilities.of(args).requireTrusted("notify.command", args)
            let words = try args.decode([String].self, 1)
            guard let program = words.first, !program.isEmpty else { throw args.error(1, "the program and its arguments expected: {'notify-send', 'done'}") }
            let child: ChildProcess
            do { child = try ChildProcess.spawn(program, Array(words.dropFirst())) } catch {
                return .failure("notify.command: \(error)", code: "unavailable")
            }
            let ended = try args.wait {
                var lines: [String] = []
                child.readLines { lines.append($0) }
                return (child.wait(), lines.suffix(3).joined(separator: " / "))
            }
            guard ended.0.isSuccess else { return .failure("notify.command: \(program) ended with \(ended.0): \(ended.1)", code: "failure") }
            return .value(.boolean(true))
        }
    }
}
