import LuaKit
import RenderPlan

extension LuaModule {
    /// `frames`: OpenJD frame sets — parse, print, chunk, and set operations.
    static let frames = LuaModule("frames", doc: """
        Frame sets in OpenJD's range grammar ('1-100', '1-100:5', '-10--1', '1,5,9-12'; Blender's '1..10' too). \
        Every function takes a frame set as an expression string or a list of integers.
        """) { m in
        m.function("parse", doc: "frames.parse(expr) -> {int...} | nil, message, code\nThe frames of an expression, ascending: frames.parse('1-9:4,20') --> {1, 5, 9, 20}.") { args in
            try frameResult(args) { $0 }
        }
        m.function("format", doc: "frames.format(set) -> string\nThe compact expression of a set: frames.format{1,3,5,6,7} --> '1-5:2,6-7'.") { args in
            switch try frameSet(args, 1) {
            case .success(let set): return .value(.string(set.description))
            case .failure(let error): return .failure(error.description, code: "bad_frames")
            }
        }
        m.function("scene", doc: "frames.scene(start, end [, step]) -> {int...} | nil, message, code\nA scene's own range, as Blender renders it with -a.") { args in
            do { return .value(try FrameSet(start: try args.int(1), end: try args.int(2), step: try args.int(3, default: 1)).frames) } catch let error as FrameSetError {
                return .failure(error.description, code: "bad_frames")
            }
        }
        m.function("count", doc: "frames.count(set) -> int | nil, message, code\nHow many frames the set holds.") { args in
            switch try frameSet(args, 1) {
            case .success(let set): return .value(.integer(set.count))
            case .failure(let error): return .failure(error.description, code: "bad_frames")
            }
        }
        m.function("every", doc: "frames.every(set, n) -> {int...}\nEvery nth frame, starting with the first (a preview pass).") { args in
            let n = try args.int(2)
            guard n >= 1 else { throw args.error(2, "step must be at least 1") }
            return try frameResult(args) { $0.every(n) }
        }
        m.function("chunk", doc: "frames.chunk(set, n) -> {{int...}...}\nCut the set into array tasks of n frames (the last one may be shorter).") { args in
            let n = try args.int(2)
            guard n >= 1 else { throw args.error(2, "chunk size must be at least 1") }
            switch try frameSet(args, 1) {
            case .success(let set): return .value(Chunking.frames(n).chunks(of: set).map(\.frames))
            case .failure(let error): return .failure(error.description, code: "bad_frames")
            }
        }
        m.function("chunk_for_time", doc: """
            frames.chunk_for_time(set, seconds, seconds_per_frame [, startup_seconds [, min_tasks]]) -> {{int...}...}
            Chunks sized so each task runs about `seconds`, from a measured time per frame.
            """) { args in
            let chunking = Chunking.targetTime(seconds: try args.number(2), secondsPerFrame: try args.number(3),
                                               startupSeconds: try args.number(4, default: 0))
            let minimum = try args.int(5, default: 1)
            switch try frameSet(args, 1) {
            case .success(let set): return .value(chunking.chunks(of: set, minimumTasks: minimum).map(\.frames))
            case .failure(let error): return .failure(error.description, code: "bad_frames")
            }
        }
        m.function("union", doc: "frames.union(a, b) -> {int...}\nFrames in a or b.") { args in
            try binary(args) { $0.union($1) }
        }
        m.function("intersection", doc: "frames.intersection(a, b) -> {int...}\nFrames in both a and b.") { args in
            try binary(args) { $0.intersection($1) }
        }
        m.function("difference", doc: "frames.difference(a, b) -> {int...}\nFrames in a but not in b (e.g. the frames still to render).") { args in
            try binary(args) { $0.subtracting($1) }
        }
        m.function("symmetric_difference", doc: "frames.symmetric_difference(a, b) -> {int...}\nFrames in exactly one of a and b.") { args in
            try binary(args) { $0.symmetricDifference($1) }
        }
    }
}

/// Argument `n` as a frame set: a string expression or a list of integers. A wrong type is misuse
/// (raised); an unparsable expression is an operational failure the caller returns.
private func frameSet(_ args: LuaArgs, _ n: Int) throws -> Result<FrameSet, FrameSetError> {
    switch args.value(n) {
    case .string(let text):
        do { return .success(try FrameSet(parsing: text)) } catch { return .failure(error) }
    case let value:
        guard let items = value.arrayValue else {
            throw args.error(n, "frame set expected (a string like '1-10:2' or a list of integers), got \(args.typeName(n))")
        }
        var frames: [Int] = []
        for (index, item) in items.enumerated() {
            guard let frame = item.intValue else { throw args.error(n, "element \(index + 1) is not an integer frame number") }
            frames.append(frame)
        }
        return .success(FrameSet(frames))
    }
}

private func frameResult(_ args: LuaArgs, _ body: (FrameSet) -> FrameSet) throws -> LuaResult {
    switch try frameSet(args, 1) {
    case .success(let set): return .value(body(set).frames)
    case .failure(let error): return .failure(error.description, code: "bad_frames")
    }
}

private func binary(_ args: LuaArgs, _ body: (FrameSet, FrameSet) -> FrameSet) throws -> LuaResult {
    let a = try frameSet(args, 1), b = try frameSet(args, 2)
    switch (a, b) {
    case (.success(let a), .success(let b)): return .value(body(a, b).frames)
    case (.failure(let error), _), (_, .failure(let error)): return .failure(error.description, code: "bad_frames")
    }
}
