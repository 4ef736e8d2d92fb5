import Dispatch
import Executors
import Foundation
import RenderPlan

/// Follows a running local job for the CLI: a live progress bar (frames done/total, the current
/// frame's samples, elapsed, ETA), Ctrl-C as a clean cancel (a second Ctrl-C kills at once), and
/// the end summary (text, or JSON with `--json`). Returns the exit code the command should end with.
enum JobWatch {
    static func run(_ handle: LocalJobHandle, json: Bool, label: String = "rendering") async -> Int32 {
        let initial = await handle.status()
        let bar = ProgressBar(label: label, total: initial.framesTotal)
        let progress = ProgressState()
        let signals = cancelOnSignals(handle)
        let status = await handle.wait { event in
            switch event {
            case .frameDone(_, let done, _):
                progress.done = done
                bar.update(done: done, detail: progress.detail)
            case .sample(let frame, let sample, let of):
                progress.sample = (frame, sample, of)
                bar.update(done: progress.done, detail: progress.detail)
            case .taskFinished(let stage, let index, let attempt, let exit, let decision):
                switch decision {
                case .retry(let counted, let after):
                    bar.finish()
                    printError("\(stage == .stitch ? "stitch" : "task \(index)") attempt \(attempt): \(exit) — "
                        + (counted ? "retrying in \(String(format: "%.0f", after))s" : "interrupted, retrying"))
                case .dropFrames(let frames, let reason):
                    bar.finish()
                    printError("frame(s) \(frames.map(String.init).joined(separator: ",")) failed: \(reason)")
                case .fail(let reason):
                    bar.finish()
                    printError("\(stage == .stitch ? "stitch" : "task \(index)") failed: \(reason)")
                default: break
                }
            case .interruptionSent:
                progress.interruptions += 1
                bar.update(done: progress.done, detail: progress.detail)
            case .message(let text):
                bar.finish()
                printError(text)
            case .taskStarted(let stage, _, _, _):
                if stage == .stitch { progress.stitching = true; bar.update(done: progress.done, detail: progress.detail) }
            }
        }
        signals.forEach { $0.cancel() }
        bar.finish()
        if json {
            try? printJSON(status)
        } else {
            print(summary(status, folder: handle.folder))
        }
        return status.state == .succeeded ? 0 : (status.failureCode ?? ExitCode.renderFailure.rawValue)
    }

    static func summary(_ status: JobStatus, folder: JobFolder) -> String {
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
        if status.state != .succeeded { lines.append("next: blendbatch resume \(status.id)   (renders only the missing frames)") }
        return lines.joined(separator: "\n")
    }

    /// Ctrl-C, SIGTERM and SIGHUP cancel the job cleanly; a second one kills its tasks at once.
    static func cancelOnSignals(_ handle: LocalJobHandle) -> [DispatchSourceSignal] {
        let count = SignalCount()
        return [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if count.next() == 1 {
                    printError("\nblendbatch: cancelling: stopping tasks (press Ctrl-C again to kill them at once)")
                    Task { await handle.cancel() }
                } else {
                    Task { await handle.kill() }
                }
            }
            source.resume()
            return source
        }
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

final class SignalCount: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
