import Foundation
import ObjectStore
import RenderPlan

/// Where a job's HTML report goes: `report.html` in its job folder (or any path asked for), written
/// atomically so a browser never shows half a page; once the job ended, an `s3://` output also
/// gets it beside the video as `<name>.report.html`.
public enum ReportFile {
    public static let name = "report.html"

    /// The default report path of a job folder.
    public static func path(in folder: String) -> String { folder + "/" + name }

    /// The key of the final report in the output store.
    public static func storeKey(outputName: String) -> String { outputName + ".report.html" }

    /// Write the report at `path` (and put the final one beside the video of a store output).
    /// Returns what was written.
    @discardableResult
    public static func write(_ builder: JobReportBuilder, to path: String, store: any ObjectStore) async throws -> JobReportData {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let report = builder.build(reportFolder: folder)
        try Data(ReportHTML.render(report).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        if report.status.state.isFinal, !store.location.isLocal {
            let beside = builder.build(reportFolder: nil)
            try await store.put(data: Data(ReportHTML.render(beside).utf8), key: storeKey(outputName: builder.manifest.output.name))
        }
        return report
    }
}
