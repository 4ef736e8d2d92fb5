import ArgumentParser
import Executors
import Foundation
import ObjectStore
import RenderPlan

/// `blendbatch report [JOB]`: the job's self-contained HTML report (or its data as JSON).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", _superCommandName: "blendbatch",
        abstract: "Write a job's HTML report: progress, render time per frame, task timeline, failures, output, cost.",
        discussion: """
        JOB is a job id, a job folder (<out>/.blendbatch/jobs/<id>) or 'latest' (the default), local or \
        AWS Batch. The report is one HTML file with nothing to fetch (inline SVG charts; the GIF and \
        contact sheet linked relative to it); open it in any browser. Its path is the last line printed.

        Default place: report.html in the job folder (for jobs writing to s3://, the job folder in the \
        state directory). A finished job with an s3:// output also gets it beside the video, as \
        <name>.report.html. While a local job renders, its controller keeps report.html current there \
        (the page reloads itself every few seconds until the job ends).

        --json prints the same data instead (frames with render seconds, peak memory, task, attempt \
        and host; every task attempt; failures with their log's last lines; the cost section) and \
        writes no file.
        """)

    @Argument(help: "Job id, job folder, or 'latest'.")
    var job: String = "latest"

    @Option(help: ArgumentHelp("Write the HTML here instead (links to the GIF and contact sheet are made relative to it).", valueName: "file"))
    var out: String?

    @Flag(help: "Print the report's data as JSON instead of writing HTML.")
    var json = false

    func run() async throws {
        let (builder, store) = try await source()
        let path = Self.absolute(out.map { ($0 as NSString).expandingTildeInPath } ?? ReportFile.path(in: builder.jobFolder))
        if json {
            try printJSON(builder.build(reportFolder: (path as NSString).deletingLastPathComponent))
            return
        }
        do { try await ReportFile.write(builder, to: path, store: store) } catch let error as StoreError {
            throw CommandEnd(.storeError, "cannot put the report beside the video: \(error)")
        } catch {
            throw CommandEnd(.ioError, "cannot write the report to \(path): \(StoreError.systemReason(error)) (choose another place with --out FILE)")
        }
        print(path)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// What the job recorded, from its backend.
    private func source() async throws -> (JobReportBuilder, any ObjectStore) {
        if let onScheduler = try await SchedulerJobs.find(job, out: nil) { return try await SchedulerJobs.reportSource(onScheduler) }
        let folder = try JobLookup.folder(job, out: nil)
        do {
            let manifest = try folder.readManifest()
            let store = try LocalExecutor.outputStore(for: manifest)
            let status = try await JobControl.status(folder: folder, store: store)
            return (try await LocalReportSource.builder(folder: folder, status: status, store: store), store)
        } catch let error as ExecutorError {
            throw CommandEnd(error.exitCode, error.description)
        } catch let error as StoreError {
            throw CommandEnd(.storeError, error.description)
        } catch { throw CommandEnd(.dataError, "\(folder.path): \(error)") }
    }
}
