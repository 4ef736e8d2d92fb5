import Foundation

/// One machine-readable progress line a worker prints on stdout (JSON, one object per line), e.g.
/// `{"event":"frame_saved","frame":12,"key":"frames/demo_0012.png","seconds":0.41}`.
/// Executors parse these to drive progress bars and journals; Blender's own log goes to stderr.
public struct WorkerEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The task starts: `frames` is its chunk, `missing` what it will render.
        case chunkStarted = "chunk_started"
        /// A frame already in the store; not rendered again.
        case frameSkipped = "frame_skipped"
        case frameStarted = "frame_started"
        /// Render progress of `frame`: `sample` of `samples`.
        case sample
        /// A frame is complete in the store under `key`; `seconds` is its render time, `peakMemory` the
        /// render process's peak memory then.
        case frameSaved = "frame_saved"
        /// The task finished all its frames.
        case chunkDone = "chunk_done"
        /// The stitch made `key` (a video, GIF or contact sheet).
        case stitched
        /// The task failed or was interrupted: `message`, `code` (the exit code).
        case failed
    }

    public var event: Kind
    public var frame: Int?
    public var sample: Int?
    public var samples: Int?
    public var seconds: Double?
    public var key: String?
    public var frames: String?
    public var missing: String?
    public var message: String?
    public var code: Int32?
    /// Peak memory of the render process when the frame was saved, in bytes.
    public var peakMemory: Int?

    public init(_ event: Kind, frame: Int? = nil, sample: Int? = nil, samples: Int? = nil, seconds: Double? = nil,
                key: String? = nil, frames: String? = nil, missing: String? = nil, message: String? = nil, code: Int32? = nil,
                peakMemory: Int? = nil) {
        self.event = event
        self.frame = frame
        self.sample = sample
        self.samples = samples
        self.seconds = seconds
        self.key = key
        self.frames = frames
        self.missing = missing
        self.message = message
        self.code = code
        self.peakMemory = peakMemory
    }

    /// The event as one JSON line (no trailing newline).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"event":"failed"}"#
    }

    /// Parse a worker output line; nil when it is not an event.
    public static func parse(_ line: String) -> WorkerEvent? {
        guard line.hasPrefix("{") else { return nil }
        return try? JSONDecoder().decode(WorkerEvent.self, from: Data(line.utf8))
    }
}
