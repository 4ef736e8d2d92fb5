import Foundation
import Synchronization

/// A job another job comes after: it must succeed before the other starts; when it fails or is
/// cancelled, the other is skipped (ended as cancelled, the reason naming it) without running a task.
///
/// Backends honour prerequisites their own way: the local executor waits here, in the controller
/// (`LocalExecutor.start(_:after:)`); AWS Batch gets `dependsOn` on the render job
/// (`AWSBatchExecutor.submitJob(_:after:)`); a Slurm backend would pass `--dependency=afterok:<ids>`
/// from `id`.
public struct JobPrerequisite: Sendable {
    public let id: String
    /// The job's end report (waits for it).
    let outcome: @Sendable () async -> JobStatus

    /// A job run by this process waits on its controller without taking its progress events; any
    /// other (e.g. one on AWS Batch) is followed through its handle.
    public init(_ handle: any JobHandle) {
        id = handle.id
        if let local = handle as? LocalJobHandle { outcome = { await local.finished() } } else { outcome = { await handle.wait() } }
    }

    /// Why a job after `prerequisites` must not run (the first that did not succeed), or nil when all did.
    static func blocker(_ prerequisites: [JobPrerequisite]) async -> String? {
        for prerequisite in prerequisites {
            let end = await prerequisite.outcome()
            if end.state != .succeeded {
                return "skipped: it comes after job \(prerequisite.id), which ended \(end.state.rawValue)"
                    + (end.reason.map { " (\($0))" } ?? "")
            }
        }
        return nil
    }
}

/// The start of a job that comes after others: opened once, with why it must not run (or nil), by
/// the prerequisites' ends or by a cancel that comes first.
final class StartGate: Sendable {
    private struct State {
        var opened: String?? = nil
        var waiters: [CheckedContinuation<String?, Never>] = []
    }
    private let state = Mutex(State())

    /// A gate the prerequisites open when they have all ended.
    init(after prerequisites: [JobPrerequisite]) {
        Task { [weak self] in
            let blocker = await JobPrerequisite.blocker(prerequisites)
            self?.open(blocker)
        }
    }

    /// Open the gate (the first call wins).
    func open(_ blocker: String?) {
        let waiters = state.withLock { state -> [CheckedContinuation<String?, Never>] in
            guard state.opened == nil else { return [] }
            state.opened = .some(blocker)
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: blocker) }
    }

    /// Wait until the gate opens; why the job must not run, or nil.
    func passage() async -> String? {
        await withCheckedContinuation { continuation in
            let opened = state.withLock { state -> String?? in
                if state.opened == nil { state.waiters.append(continuation) }
                return state.opened
            }
            if let opened { continuation.resume(returning: opened) }
        }
    }
}
