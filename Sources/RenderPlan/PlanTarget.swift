/// What planning needs to know of where a job will run, given by its backend: how many tasks run at
/// once, Blender's threads per task and frames per task by default. (A backend whose arrays hold a
/// limited number of tasks groups the planned chunks itself, `JobManifest.grouped(maxChunks:)`, and
/// says so.)
public struct PlanTarget: Sendable, Equatable {
    /// Tasks that run at once: the job gets at least this many.
    public var slots: Int
    /// Blender render threads per task; nil = Blender's own (all the cores it sees).
    public var threadsPerTask: Int?
    /// Frames per task when the request gives no chunk; nil = spread the frames over the slots.
    public var chunk: Int?

    public init(slots: Int, threadsPerTask: Int? = nil, chunk: Int? = nil) {
        self.slots = max(1, slots)
        self.threadsPerTask = threadsPerTask
        self.chunk = chunk
    }

    /// Frames per task without a requested chunk. Spread: one task per slot, at most 25 frames a task
    /// (one slot: one task, there is nothing to balance). Every task pays Blender's start-up (1-2 s of
    /// loading before the first frame), so a job goes in as few launches as keep every slot busy; a
    /// long one still gets several tasks per slot, so a slow stretch of the shot spreads over them. A
    /// retried task renders only the frames its first attempt did not deliver, so a long chunk costs
    /// little on an interruption.
    public func defaultChunk(total: Int) -> Int {
        if let chunk { return chunk }
        guard slots > 1 else { return max(1, total) }
        return max(1, min(25, Int((Double(total) / Double(slots)).rounded(.up))))
    }
}
