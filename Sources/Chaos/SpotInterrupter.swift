import Executors
import Foundation
import RenderPlan

/// Local Spot-interruption injection: a `TaskHook` that picks a share of render task attempts as they
/// start and, part-way through, sends each an interruption notice (SIGTERM to its process group),
/// then reclaims it (SIGKILL) when the notice runs out — what EC2 does with its two-minute warning.
///
/// "Part-way" is a random point in the middle of the expected attempt duration: the mean of attempts
/// seen so far that ran undisturbed, or `expectedDuration` until there is one.
public final class SpotInterrupter: TaskHook, @unchecked Sendable {
    // Sendable: every mutable field is read and written only under `lock`.
    private let lock = NSLock()
    public let spec: ChaosSpec
    private var random: SplitMix64
    private var expectedDuration: Double
    private var durations: [Double] = []
    private var interruptedAttempts: Set<TaskAttempt> = []
    private var perTask: [TaskKey: Int] = [:]
    private var sent = 0

    public init(spec: ChaosSpec, expectedDuration: Double = 2) {
        self.spec = spec
        self.expectedDuration = expectedDuration
        random = SplitMix64(seed: spec.seed)
    }

    /// Notices planned so far (a notice is void when its attempt ends first).
    public var planned: Int { lock.withLock { sent } }

    public func taskStarted(_ attempt: TaskAttempt, control: any TaskControl) {
        guard attempt.key.stage == .render else { return }
        let delay: Double? = lock.withLock {
            let roll = random.nextUnit()
            let point = 0.2 + 0.6 * random.nextUnit()
            guard roll < spec.share, perTask[attempt.key, default: 0] < spec.maxPerTask else { return nil }
            perTask[attempt.key, default: 0] += 1
            interruptedAttempts.insert(attempt)
            sent += 1
            let expected = durations.isEmpty ? expectedDuration : durations.reduce(0, +) / Double(durations.count)
            return expected * point
        }
        guard let delay else { return }
        let notice = spec.notice
        Task {
            try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            await control.interrupt(attempt, notice: notice)
        }
    }

    public func taskEnded(_ attempt: TaskAttempt, exit: TaskExit, duration: Double) {
        guard attempt.key.stage == .render else { return }
        lock.withLock {
            if interruptedAttempts.remove(attempt) == nil, exit.isSuccess { durations.append(duration) }
        }
    }
}
