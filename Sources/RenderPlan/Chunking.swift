import Foundation

/// How a frame set is cut into array tasks.
public enum Chunking: Sendable, Equatable {
    /// `n` frames per task (the last task may have fewer).
    case frames(Int)
    /// Enough frames per task that each runs about `seconds`, from a measured time per frame.
    case targetTime(seconds: Double, secondsPerFrame: Double, startupSeconds: Double = 0)

    /// Frames per task for a set of `total` frames. Never below 1; for `targetTime`, also never so
    /// large that fewer than `minimumTasks` tasks remain (keeps every worker busy).
    public func chunkSize(total: Int, minimumTasks: Int = 1) -> Int {
        switch self {
        case .frames(let n):
            return max(1, n)
        case .targetTime(let seconds, let perFrame, let startup):
            let budget = max(seconds - startup, 0)
            let byTime = perFrame > 0 ? Int((budget / perFrame).rounded(.down)) : total
            let spread = Int((Double(total) / Double(max(minimumTasks, 1))).rounded(.up))
            return max(1, min(byTime, spread, max(total, 1)))
        }
    }

    /// Cut `frames` into chunks of `chunkSize(total:minimumTasks:)` frames, in order.
    public func chunks(of frames: FrameSet, minimumTasks: Int = 1) -> [FrameSet] {
        FrameSet.chunks(frames.frames, size: chunkSize(total: frames.count, minimumTasks: minimumTasks))
    }

    /// Parse a `--chunk-time` value: `90`, `90s`, `1.5m`, `2m30s`, `1h`. Nil when unreadable or not positive.
    public static func parseDuration(_ text: String) -> Double? {
        var total = 0.0, number = "", sawUnit = false
        for char in text.lowercased() where char != " " {
            if char.isNumber || char == "." {
                number.append(char)
            } else {
                guard let value = Double(number), let unit = ["h": 3600.0, "m": 60, "s": 1][String(char)] else { return nil }
                total += value * unit
                number = ""
                sawUnit = true
            }
        }
        if !number.isEmpty {
            guard let value = Double(number) else { return nil }
            total += value
        } else if !sawUnit {
            return nil
        }
        return total > 0 ? total : nil
    }
}

extension FrameSet {
    /// Slice sorted `frames` every `size` frames (the last slice keeps the remainder).
    static func chunks(_ frames: [Int], size: Int) -> [FrameSet] {
        let size = Swift.max(size, 1)
        return stride(from: 0, to: frames.count, by: size).map {
            FrameSet(frames[$0..<Swift.min($0 + size, frames.count)])
        }
    }
}
