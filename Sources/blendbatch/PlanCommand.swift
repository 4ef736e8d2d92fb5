import AWSCore
import ArgumentParser
import BlendFile
import Executors
import Foundation
import ObjectStore
import Render
import RenderPlan

/// `blendbatch plan`: read a .blend, cut its frames into chunks and write the job manifest where the
/// workers will look for it. The Step Functions export's "Detect frames" state runs it in the worker
/// image; `blendbatch render --backend aws` plans the same way before submitting.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", _superCommandName: "blendbatch",
        abstract: "Plan a render job: read the .blend and write its manifest to OUT/.blendbatch/jobs/ID/manifest.json.",
        discussion: """
        INPUT is a .blend path or an s3:// URL (read where it is, with ranged GETs of only what is \
        decoded; the manifest keeps the URL, so the workers download it themselves). OUT is where \
        the frames and videos go (a folder or s3:// prefix); the manifest is written below it and \
        its URL printed on stdout.

        Exit codes: 0 written, 64 bad options, 65 not a .blend or no such scene, 66 INPUT does not \
        exist, 76 the store refused (bucket, credentials).

        Examples:
          blendbatch plan s3://renders/shot.blend --out s3://renders/jobs/shot --job-id shot-001
          blendbatch plan shot.blend --out /tmp/out --job-id test --frames 1-48:2 --chunk 4

        """ + RenderOptions.help)

    @Argument(help: ArgumentHelp("The .blend: a path or s3:// URL.", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Output location: a folder or s3:// prefix.", valueName: "out"))
    var out: String

    @Option(help: ArgumentHelp("Job id (the Step Functions execution name).", valueName: "id"))
    var jobId: String

    @Option(help: ArgumentHelp("Frames (OpenJD: 1-100:5, 1,5,9-12); empty or absent = the scene's range.", valueName: "frames"))
    var frames: String?

    @Option(name: [.customLong("chunk"), .customLong("chunk-size")],
            help: ArgumentHelp("Frames per array task, or 'auto' (\(AWSBatchExecutor.planTarget.chunk ?? 10) frames; longer tasks beyond 10,000 of them).", valueName: "n|auto"))
    var chunk: String = "auto"

    /// The other render options (`--scene`, `--percent`, `--no-video` …), read by the request's declaration.
    @OptionGroup var options: RenderOptions

    @Flag(help: "Print the manifest's URL, id, chunk and frame counts as JSON.")
    var json = false

    func run() async throws {
        var output: StoreLocation
        do { output = try StoreLocation(parsing: out) } catch { throw CommandEnd(.usage, "--out \(out): \(error)") }
        if case .local(let path) = output { output = .local(path: URL(fileURLWithPath: path).standardizedFileURL.path) }
        guard !jobId.isEmpty, jobId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw CommandEnd(.usage, "--job-id '\(jobId)': use letters, digits, '-', '_' and '.'")
        }
        let chunkSize: Int?
        if chunk.lowercased() == "auto" { chunkSize = nil } else {
            guard let n = Int(chunk), n >= 1 else { throw CommandEnd(.usage, "--chunk \(chunk): give a number of frames (at least 1) or 'auto'") }
            chunkSize = n
        }
        let client = makeAWSClient()
        var request = try options.request(file: input, declaration: RenderOptions.declaration)
        if try !options.parsed(against: RenderOptions.declaration).files.isEmpty {
            throw CommandEnd(.usage, "plan takes one .blend (\(input)); other words must be render options")
        }
        request.frames = frames
        request.chunk = chunkSize
        request.out = output.description
        let manifest: JobManifest
        do { (manifest, _) = try await AWSBatchBackend.plan(request, id: jobId, client: client) { printError("blendbatch: " + $0) } } catch {
            throw CommandEnd(error.code, error.message)
        }

        let key = AWSJobFolder(id: jobId).manifestKey
        do {
            try await StoreFactory.open(output, client: client).put(data: try manifest.encoded(), key: key)
        } catch {
            throw CommandEnd(AWSBatchBackend.storeCode(error), "writing the manifest to \(output.appending(key)): \(error)")
        }
        let url = output.appending(key).description
        if json {
            struct Summary: Encodable { var id: String; var manifest: String; var chunks: Int; var frames: Int; var scene: String? }
            try printJSON(Summary(id: jobId, manifest: url, chunks: manifest.chunks.count, frames: manifest.allFrames.count, scene: manifest.scene))
        } else {
            print(url)
            let count = manifest.allFrames.count
            printError("planned \(count) frame\(count == 1 ? "" : "s") of scene \(manifest.scene ?? "?") in "
                + "\(manifest.chunks.count) task\(manifest.chunks.count == 1 ? "" : "s")")
        }
    }
}
