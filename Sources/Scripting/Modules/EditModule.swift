import Foundation
import LuaKit
import Render
import RenderPlan

extension LuaModule {
    /// `edit`: shot lists, and the shots' videos cut together.
    static let edit = LuaModule("edit", doc: """
        Shot lists and edits: edit.shots(path) reads a shot list, edit.concat{...} cuts the shots' videos
        together in order. The bundled recipe shots.lua (`blendbatch run shots --list shots.json --out DIR`) uses both.
        """) { m in
        m.function("shots", doc: """
            edit.shots(path) -> {{name=, file=, scene=, frames=, percent=, samples=, engine=}, ...} | nil, err, code
            Read a shot list: a JSON array of objects, or CSV (.csv) with a header row, with the fields file (the
            .blend, relative to the list), and optional name (default: the file name without .blend), scene, frames,
            percent, samples, engine. A sandboxed recipe handed the list may read the .blend files it names.
            """) { args in
            let path = try args.string(1)
            let capabilities = Capabilities.of(args)
            try capabilities.require(.read, path, args)
            do throws(ShotList.Problem) {
                let shots = try ShotList.read(path)
                capabilities.grantListed(shots.map(\.file), byList: path)
                return .value(shots)
            } catch {
                return .failure(error.description, code: ExitCode.dataError.name)
            }
        }
        m.function("concat", doc: """
            edit.concat{shots={{name=, video=}, ...}, out='DIR/edit.mp4'} -> {frames=, fps=, width=, height=} | nil, err, code
            Cut the videos together in list order into one H.264 MP4 at their frame rate, each scaled (aspect kept)
            to the first one's size. Shots at different frame rates are an error naming them ('data_error').
            """) { args in
            let options = try args.decode(ConcatOptions.self, 1)
            let capabilities = Capabilities.of(args)
            try capabilities.require(.write, options.out, args)
            for shot in options.shots { try capabilities.require(.read, shot.video, args) }
            do {
                let edit = Edit(ffmpeg: try ToolLocator.locate(.ffmpeg), ffprobe: try ToolLocator.locate(.ffprobe))
                let probe = try edit.concatenate(options.shots.map { Edit.Clip(name: $0.name, video: $0.video) }, into: options.out)
                return .value(LuaValue.table(["frames": .integer(probe.frames), "fps": .string(Edit.fps(probe.rate)),
                                              "width": .integer(probe.width), "height": .integer(probe.height)]))
            } catch let error as WorkerError {
                return .failure(error.message, code: error.code.name)
            } catch {
                return .failure("\(error)", code: ExitCode.unavailable.name)
            }
        }
    }
}

private struct ConcatOptions: Decodable {
    struct Clip: Decodable {
        var name: String
        var video: String
    }
    var shots: [Clip]
    var out: String
}
