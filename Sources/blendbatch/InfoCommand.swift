import ArgumentParser
import BlendFile
import Foundation
import ObjectStore
import Render
import RenderPlan

/// `blendbatch info`: what a .blend renders, read natively (no Blender needed).
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", _superCommandName: "blendbatch",
        abstract: "Show scenes, frame range, fps, resolution, engine, output and dependencies of .blend files.",
        discussion: """
        Reads the files natively (no Blender needed; s3:// objects are read where they are, with \
        ranged GETs of only the header and the blocks decoded, --log-level debug showing the bytes \
        read): every Blender version's header, gzip and zstd compression. Several files are read in one process; with --json they print as a \
        JSON array, and a file that cannot be read becomes {"file": …, "error": …, "exit_code": …}.

        Exit codes: 0 all read, 65 a file is not a valid .blend (or has no such --scene), \
        66 a file does not exist, 76 the store refused or could not be reached.

        Examples:
          blendbatch info shot.blend
          blendbatch info shot.blend --scene Preview --json
          blendbatch info shots/*.blend --json > scan.json
        """)

    @Argument(help: ArgumentHelp("The .blend files (paths, file:// or s3:// URLs).", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Show only the scene with this name (without the SC prefix).", valueName: "name"))
    var scene: String?

    @Flag(help: "Print JSON (snake_case keys) for scripts instead of the readable summary.")
    var json = false

    func run() async throws {
        let results = await Self.readAll(files, scene: scene)

        if json {
            let entries = results.map { r -> InfoEntry in
                switch r {
                case .success(let info): return .info(info)
                case .failure(let f): return .failure(f)
                }
            }
            if files.count == 1 {
                if case .success(let info) = results[0] { try printJSON(info) }
            } else {
                try printJSON(entries)
            }
        } else {
            var first = true
            for case .success(let info) in results {
                if !first { print("") }
                first = false
                print(Self.summary(info), terminator: "")
            }
        }
        for case .success(let info) in results {
            for line in Self.compositorWarnings(info) { printError("blendbatch: warning: " + line) }
        }
        let failures = results.compactMap { r -> InfoFailure? in if case .failure(let f) = r { return f }; return nil }
        for f in failures { printError("blendbatch: \(f.message)") }
        if let worst = failures.first { throw ArgumentParser.ExitCode(worst.code.rawValue) }
    }

    /// Read every file, several at once (a folder scan uses every core), results in the given order.
    static func readAll(_ files: [String], scene: String?) async -> [Result<BlendInfo, InfoFailure>] {
        if files.count == 1 { return [await result(files[0], scene: scene)] }  // no second thread for one file
        return await withTaskGroup(of: (Int, Result<BlendInfo, InfoFailure>).self) { group in
            for (index, file) in files.enumerated() {
                group.addTask { (index, await result(file, scene: scene)) }
            }
            var results: [(Int, Result<BlendInfo, InfoFailure>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    static func result(_ file: String, scene: String?) async -> Result<BlendInfo, InfoFailure> {
        do { return .success(try await read(file, scene: scene)) } catch { return .failure(error) }
    }

    /// Read one file (path, file:// or s3:// URL), narrowed to `scene` when given.
    static func read(_ file: String, scene: String?) async throws(InfoFailure) -> BlendInfo {
        var info: BlendInfo
        do {
            info = try await BlendSource.read(file)
        } catch let error as BlendError {
            throw InfoFailure(file: file, message: error.description, code: error.isMissingFile ? .noInput : .dataError)
        } catch StoreError.badLocation(_, let reason) {
            throw InfoFailure(file: file, message: "\(file): \(reason)", code: .usage)
        } catch StoreError.notFound {
            throw InfoFailure(file: file, message: "\(file): no such object", code: .noInput)
        } catch let error as StoreError {
            throw InfoFailure(file: file, message: error.description, code: .storeError)
        } catch {
            throw InfoFailure(file: file, message: "\(file): \(error)", code: .failure)
        }
        if let scene {
            guard let chosen = info.scene(named: scene) else {
                let names = info.scenes.map { "'\($0.name)'" }.joined(separator: ", ")
                throw InfoFailure(file: file, message: "\(file): no scene named '\(scene)' (scenes: \(names))", code: .dataError)
            }
            info.scenes = [chosen]
        }
        return info
    }

    /// One line per compositor File Output node: Blender writes those files itself, beside the
    /// render's output, so blendbatch neither collects nor uploads them.
    static func compositorWarnings(_ info: BlendInfo) -> [String] {
        info.scenes.flatMap { scene in
            (scene.compositorOutputs ?? []).map {
                "\(info.file): scene '\(scene.name)': a compositor File Output node writes to \($0), outside --out: "
                    + "blendbatch neither collects nor uploads those files (on AWS they are lost with the task)"
            }
        }
    }

    /// The readable summary of one file.
    static func summary(_ info: BlendInfo) -> String {
        var s = "\(info.file)\n"
        s += "  Blender \(info.blenderVersion), \(info.compression == .none ? "uncompressed" : info.compression.rawValue), "
        s += "\(info.pointerSize * 8)-bit \(info.endianness.rawValue)-endian\n"
        for sc in info.scenes {
            let active = sc.name == info.activeScene ? " (active)" : ""
            s += "  Scene '\(sc.name)'\(active)\n"
            let count = sc.frameEnd >= sc.frameStart ? (sc.frameEnd - sc.frameStart) / sc.frameStep + 1 : 0
            let step = sc.frameStep == 1 ? "" : ":\(sc.frameStep)"
            s += "    frames      \(sc.frameStart)-\(sc.frameEnd)\(step) (\(count) frame\(count == 1 ? "" : "s"))\n"
            let rate = sc.fpsBase == 1 ? "\(sc.fps) fps" : String(format: "%.2f fps (%d/%g)", sc.frameRate, sc.fps, sc.fpsBase)
            s += "    frame rate  \(rate)\n"
            let px = "\(sc.resolutionX * sc.resolutionPercentage / 100)x\(sc.resolutionY * sc.resolutionPercentage / 100)"
            s += "    resolution  \(sc.resolutionX)x\(sc.resolutionY) at \(sc.resolutionPercentage)% = \(px)\n"
            s += "    engine      \(sc.engine ?? "unknown")\n"
            s += "    output      \(sc.outputPath ?? "unknown") (\(sc.fileFormat ?? "unknown format"))\n"
            s += "    camera      \(sc.camera ?? "none")\n"
        }
        if info.scenes.isEmpty { s += "  no scenes\n" }
        s += "  Dependencies (\(info.dependencies.count))\n"
        for d in info.dependencies {
            let nature = d.nature == .file ? "" : " (\(d.nature.rawValue))"
            s += "    \(d.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(d.path)\(nature)\n"
        }
        return s
    }
}

/// Why one file of `info` failed: the one-line message and the exit code it maps to.
struct InfoFailure: Error {
    let file: String
    let message: String
    let code: RenderPlan.ExitCode
}

/// One element of the `--json` array: the file's info or its error.
enum InfoEntry: Encodable {
    case info(BlendInfo)
    case failure(InfoFailure)

    private enum Keys: String, CodingKey { case file, error, exitCode = "exit_code" }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .info(let info): try info.encode(to: encoder)
        case .failure(let f):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(f.file, forKey: .file)
            try c.encode(f.message, forKey: .error)
            try c.encode(f.code.rawValue, forKey: .exitCode)
        }
    }
}
