import Executors
import Foundation
import LuaKit
import ObjectStore
import Render

/// `job:metrics()` and `job:report{}`, the same for every Lua job type (local or AWS).
enum LuaJobReport {
    static let metricsDoc = """
        job:metrics() -> {{frame=, seconds=, peakMemory=, task=, attempt=, host=, savedAt=}...}
        Each rendered frame's render seconds, peak memory (bytes), the task and attempt that made it and its host, in frame order.
        """
    static let reportDoc = """
        job:report{out=FILE, json=false} -> path | table
        Write the job's self-contained HTML report (default: report.html in the job folder) and return its path;
        json=true returns the report's data instead (what `blendbatch report --json` prints).
        """

    static func metrics(_ args: LuaArgs, job: String, store: any ObjectStore) throws -> LuaValue {
        try LuaValue(encoding: try args.wait { try await FrameMetrics.read(job: job, store: store) })
    }

    /// `report{out=, json=}` with what `source` gathers (a builder, and the store the final report also goes to).
    static func report(_ args: LuaArgs, source: @escaping @Sendable () async throws -> (JobReportBuilder, any ObjectStore)) throws -> LuaValue {
        let options = try args.optionalTable(1)?.tableValue ?? [:]
        let out = options["out"]?.stringValue
        if let out { try Capabilities.of(args).require(.write, out, args) }
        let json = options["json"]?.boolValue ?? false
        return try args.wait {
            let (builder, store) = try await source()
            let path = out ?? ReportFile.path(in: builder.jobFolder)
            if json { return try LuaValue(encoding: builder.build(reportFolder: (path as NSString).deletingLastPathComponent)) }
            try await ReportFile.write(builder, to: path, store: store)
            return .string(path)
        }
    }
}
