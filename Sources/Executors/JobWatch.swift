import Foundation
import RenderPlan

/// Follows a running local job the way `blendbatch render` and `job:wait{progress=true}` show it: a
/// live progress bar (frames done/total, the current frame's samples, elapsed, ETA), one stderr line
/// per retry, dropped frame or failure, and the end summary (text, or the report as JSON).
/// Signals are the caller's business: `interrupted(_:count:)` is what the n-th Ctrl-C does.
public enum JobWatch {
    /// Wait for the job's end; with `progress`, draw the bar and the event lines on stderr. Every
    /// event also goes to `also`.
    public static func follow(_ handle: LocalJobHandle, label: String = "rendering", progress: Bool = true,
                              also: @escaping @Sendable (JobEvent) -> Void = { _ in }) async -> JobStatus {
        guard progress else { return await handle.wait(onEvent: also) }
        let initial = await handle.status()
        let bar = ProgressBar(label: label, total: initial.framesTotal, job: initial.id)
        let state = ProgressState()
        let status = await handle.wait { event in
            show(event, bar: bar, state: state)
            also(event)
        }
        bar.finish()
        return status
    }

    /// Ctrl-C number `count` while following `handle`: the first cancels cleanly (SIGTERM to every
    /// task, SIGKILL after the grace period), any later one kills the tasks at once.
    public static func interrupted(_ handle: LocalJobHandle, count: Int) async {
        if count == 1 {
            note("\nblendbatch: cancelling: stopping tasks (press Ctrl-C again to kill them at once)")
            await handle.cancel()
        } else {
            await handle.kill()
        }
    }

    /// The exit code a finished job's command ends with: 0, the job's own failure code, else 70.
    public static func exitCode(_ status: JobStatus) -> Int32 {
        status.state == .succeeded ? 0 : (status.failureCode ?? ExitCode.renderFailure.rawValue)
    }

    /// The end summary `blendbatch render` prints: the report as stable JSON, or readable lines.
    public static func summary(_ status: JobStatus, folder: JobFolder, json: Bool) throws -> String {
        json ? try StableJSON.text(status) : summaryText(status, folder: folder)
    }

    static func summaryText(_ status: JobStatus, folder: JobFolder) -> String {
        var lines: [String] = []
        let mean = status.meanFrameTime.map { String(format: ", %.2f s/frame", $0) } ?? ""
        let verb = status.state == .succeeded ? "done" : status.state.rawValue
        lines.append("\(verb): \(status.framesDone)/\(status.framesTotal) frames (\(status.framesRendered) rendered now) in "
            + "\(ProgressBar.clock(status.wallTime))\(mean); \(status.retries) retries, \(status.interruptions) interruptions")
        if let video = status.video { lines.append("video: \(video)") }
        for failure in status.failedFrames.prefix(20) {
            lines.append("failed frame \(failure.frame) (task \(failure.task)): \(failure.reason)\(failure.log.map { "; log: \($0)" } ?? "")")
        }
        if let reason = status.reason, status.state != .succeeded { lines.append("why: \(reason)") }
        lines.append("job: \(status.id) (\(folder.path))")
        if status.state != .succeeded, resumeCanHelp(status) {
            lines.append("next: blendbatch resume \(status.id)   (renders only the missing frames)")
        }
        return lines.joined(separator: "\n")
    }

    /// Whether running the job again can end differently: not after bad input, a missing file or
    /// program (those need a change first), but after crashes, interruptions, a full disk or Ctrl-C.
    static func resumeCanHelp(_ status: JobStatus) -> Bool {
        guard let code = status.failureCode.flatMap(ExitCode.init(rawValue:)) else { return true }
        return code.isRetryable || code == .ioError || code == .cancelled || code == .failure
    }

    private static func show(_ event: JobEvent, bar: ProgressBar, state: ProgressState) {
        switch event {
        case .frameDone(_, let done, _):
            state.done = done
            bar.update(done: done, detail: state.detail)
        case .sample(let frame, let sample, let of):
            state.sample = (frame, sample, of)
            bar.update(done: state.done, detail: state.detail)
        case .taskFinished(let stage, let index, let attempt, let exit, let decision):
            let task = stage == .stitch ? "stitch" : "task \(index)"
            switch decision {
            case .retry(let counted, let after):
                bar.finish()
                note("\(task) attempt \(attempt): \(exit) — " + (counted ? "retrying in \(String(format: "%.0f", after))s" : "interrupted, retrying"))
            case .dropFrames(let frames, let reason):
                bar.finish()
                note("frame(s) \(frames.map(String.init).joined(separator: ",")) failed: \(reason)")
            case .fail(let reason):
                bar.finish()
                note("\(task) failed: \(reason)")
            case .waitForStore(let reason):
                bar.finish()
                note("\(task) attempt \(attempt): \(reason); waiting for the store, no frame charged")
            default: break
            }
        case .interruptionSent:
            state.interruptions += 1
            bar.update(done: state.done, detail: state.detail)
        case .message(let text):
            bar.finish()
            note(text)
        case .taskStarted(let stage, _, _, _):
            if stage == .stitch { state.stitching = true; bar.update(done: state.done, detail: state.detail) }
        }
    }

    /// One line on stderr (results go to stdout).
    public static func note(_ line: String) {
        StandardStream.error.write(line + "\n")
    }
}

/// What the progress bar shows besides the count.
final class ProgressState: @unchecked Sendable {
    // Sendable: events arrive one at a time from the job's actor; fields are only touched there.
    var done = 0
    var sample: (frame: Int, sample: Int, of: Int)?
    var interruptions = 0
    var stitching = false

    var detail: String {
        var parts: [String] = []
        if stitching { parts.append("stitching video") } else if let sample { parts.append("frame \(sample.frame) · sample \(sample.sample)/\(sample.of)") }
        if interruptions > 0 { parts.append("\(interruptions) interrupted") }
        return parts.joined(separator: " · ")
    }
}
