import Executors
import Foundation
import LuaKit
import Synchronization

/// `job:wait{on = {frame = fn, task_failed = fn, interrupted = fn, done = fn}}`: recipe functions
/// called on the Lua thread as the job's events arrive. An error in a handler is reported on stderr
/// and in `report.handler_errors`; the job goes on.
struct JobEventHandlers {
    static let events = ["frame", "task_failed", "interrupted", "done"]
    static let doc = """
        on={frame=fn, task_failed=fn, interrupted=fn, done=fn} calls fn as things happen: frame{frame=, done=, total=}
        when a frame is in the store; task_failed{stage=, index=, attempt=, exit=, retry=, reason=} when a task
        attempt fails; interrupted{stage=, index=, attempt=} when a task is interrupted (it runs again);
        done(report) at the end. An error in a handler is reported on stderr and in report.handler_errors, not fatal.
        """
    private let handlers: [String: LuaRef]

    /// No handlers.
    init() { handlers = [:] }

    init(_ args: LuaArgs) throws {
        handlers = args.isNil(1) ? [:] : try args.functions(field: "on", of: 1, allowed: Self.events)
    }

    var isEmpty: Bool { handlers.isEmpty }

    /// Run `follow` (which waits for the job, handing each event to its argument) and call the
    /// handlers on this thread as events arrive. Returns the end report as Lua sees it. Ctrl-C calls
    /// `onInterrupt` (a local job stops); without one (a job on a scheduler runs on), it stops following
    /// and raises the interrupt.
    func follow(_ args: LuaArgs, onInterrupt: (@Sendable (Int) -> Void)?,
                _ follow: @escaping @Sendable (@escaping @Sendable (JobEvent) -> Void) async -> JobStatus) throws -> (JobStatus, LuaValue) {
        let inbox = EventInbox()
        let following = args.start { inbox.close(await follow { inbox.post($0) }) }
        // Ctrl-C is counted over the whole wait (the second one kills), not per batch of events.
        let interrupts = Mutex(0)
        let onInterrupt: @Sendable (Int) -> Void = { _ in
            guard let onInterrupt else { return inbox.abandon() }
            onInterrupt(interrupts.withLock { $0 += 1; return $0 })
        }
        var errors: [LuaValue] = []
        while true {
            let (events, end) = try args.wait(onInterrupt: onInterrupt) { await inbox.next() }
            if inbox.isAbandoned {
                following.cancel()
                throw LuaError.interrupted
            }
            for event in events {
                guard let (name, value) = Self.luaEvent(event) else { continue }
                call(name, value, errors: &errors, onInterrupt: onInterrupt)
            }
            if let end {
                var report = try LuaJob.luaReport(end)
                call("done", report, errors: &errors, onInterrupt: onInterrupt)
                if !errors.isEmpty, case .table(var table) = report {
                    table["handler_errors"] = .array(errors)
                    report = .table(table)
                }
                return (end, report)
            }
        }
    }

    private func call(_ name: String, _ value: LuaValue, errors: inout [LuaValue], onInterrupt: (Int) -> Void) {
        guard let handler = handlers[name] else { return }
        do { _ = try handler.call([value]) } catch LuaError.interrupted {
            onInterrupt(1)  // Ctrl-C in a handler stops the job as it does during the wait
        } catch {
            let line = "job:wait handler '\(name)' failed: \(error)"
            JobWatch.note("blendbatch: " + line)
            errors.append(.string(line))
        }
    }

    /// The handler an event goes to, and its argument.
    static func luaEvent(_ event: JobEvent) -> (String, LuaValue)? {
        switch event {
        case .frameDone(let frame, let done, let total):
            return ("frame", .table(["frame": .integer(frame), "done": .integer(done), "total": .integer(total)]))
        case .taskFinished(let stage, let index, let attempt, let exit, let decision):
            let task: [String: LuaValue] = ["stage": .string(stage.rawValue), "index": .integer(index), "attempt": .integer(attempt),
                                            "exit": .string(exit.description)]
            switch decision {
            case .retry(counted: false, _):
                return ("interrupted", .table(task))
            case .retry(counted: true, _):
                return ("task_failed", .table(task.merging(["retry": .boolean(true)]) { $1 }))
            case .fail(let reason), .dropFrames(_, let reason), .waitForStore(let reason):
                let retry = if case .waitForStore = decision { true } else { false }
                return ("task_failed", .table(task.merging(["retry": .boolean(retry), "reason": .string(reason)]) { $1 }))
            case .succeeded, .cancelled:
                return nil
            }
        default:
            return nil
        }
    }
}

/// Events handed from the job's task to the Lua thread, in order, and then the end report.
private final class EventInbox: Sendable {
    private struct State {
        var events: [JobEvent] = []
        var end: JobStatus?
        var abandoned = false
        var waiter: CheckedContinuation<Void, Never>?
        var isReady: Bool { !events.isEmpty || end != nil || abandoned }
    }
    private let state = Mutex(State())

    /// Stop waiting for the job (Ctrl-C while following one that runs on without us).
    func abandon() {
        state.withLock { $0.abandoned = true; return $0.waiter.take() }?.resume()
    }

    var isAbandoned: Bool { state.withLock { $0.abandoned } }

    func post(_ event: JobEvent) {
        state.withLock { $0.events.append(event); return $0.waiter.take() }?.resume()
    }

    func close(_ report: JobStatus) {
        state.withLock { $0.end = report; return $0.waiter.take() }?.resume()
    }

    /// The events so far (waiting for one when there are none) and, once the job ended, its report.
    func next() async -> ([JobEvent], JobStatus?) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if !state.isReady { state.waiter = continuation }
                return state.isReady
            }
            if ready { continuation.resume() }
        }
        return state.withLock { state in
            defer { state.events.removeAll() }
            return (state.events, state.events.isEmpty ? state.end : nil)
        }
    }
}
