import Foundation

/// A Slurm task's time limit (`sbatch --time`): as given, in Slurm's format, or `auto` — made from an
/// estimate to cover the job's largest chunk. Pure: the estimate is measured elsewhere (`SlurmPlanning`).
public struct SlurmTimeLimit: Sendable, Equatable {
    /// Whole minutes, as `sbatch --time=MINUTES` takes them.
    public var minutes: Int
    /// How the limit was reached, in one line.
    public var reason: String

    /// `--time auto`, Lua `time='auto'`.
    public static let auto = "auto"
    /// The estimate is multiplied by this, for frames heavier than the samples and slower nodes.
    public static let safety = 1.5
    /// No limit below this: a short limit only risks requeues for little gain in scheduling.
    public static let floorMinutes = 5

    /// The limit covering the largest of `chunks` (frames per task) at the p90 of `frameSeconds` (the
    /// sampled frames' times) plus `startupSeconds` (Blender's start-up and cold first frame), times
    /// `safety`, plus the `warningSeconds` a task gets before its limit to store its frames; at least
    /// `floorMinutes`, rounded up to whole minutes.
    public static func covering(chunks: [Int], frameSeconds: [Double], startupSeconds: Double, safety: Double = safety,
                                floorMinutes: Int = floorMinutes, warningSeconds: Int = SlurmExecutor.warningSeconds) -> SlurmTimeLimit {
        let largest = chunks.max() ?? 0
        let p90 = JobReportBuilder.quantile(frameSeconds.sorted(), 0.9) ?? 0
        let work = Double(largest) * p90 + max(0, startupSeconds)
        let needed = work * safety + Double(warningSeconds)
        let minutes = max(floorMinutes, Int((needed / 60).rounded(.up)))
        let reason = "largest task \(largest) frame(s) × \(seconds(p90)) (p90 of \(frameSeconds.count) sample frame(s) here) "
            + "+ \(seconds(startupSeconds)) Blender start-up = \(seconds(work)); × \(String(format: "%g", safety)) "
            + "+ \(warningSeconds) s to store frames before the limit = \(seconds(needed))"
            + (minutes == floorMinutes && needed < Double(floorMinutes * 60) ? "; at least \(floorMinutes) min" : "")
        return SlurmTimeLimit(minutes: minutes, reason: reason)
    }

    /// Whether sbatch takes `text` as a time limit: `MIN`, `MIN:SEC`, `H:MIN:SEC`, `D-H`, `D-H:MIN`,
    /// `D-H:MIN:SEC`, or `INFINITE`/`UNLIMITED`.
    public static func isSlurmTime(_ text: String) -> Bool {
        if ["infinite", "unlimited"].contains(text.lowercased()) { return true }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { return false }
        let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = (dayParts.count == 2 ? [dayParts[0]] : []) + clock
        guard numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        return clock.count <= 3
    }

    /// Why `text` is no time limit (nil when it is one, or `auto`).
    public static func problem(_ text: String) -> String? {
        text == auto || isSlurmTime(text) ? nil
            : "time limit '\(text)': give minutes (30), MIN:SEC, H:MIN:SEC (2:00:00), D-H (1-0), D-H:MIN[:SEC] or auto (from sample frames rendered here)"
    }

    static func seconds(_ value: Double) -> String { String(format: value < 10 ? "%.1f s" : "%.0f s", value) }
}
