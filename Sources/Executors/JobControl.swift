import Foundation
import ObjectStore
import Render
import RenderPlan

/// Following and stopping a local job from any process, through its job folder alone:
/// what `blendbatch status`, `cancel` and `resume` do.
public enum JobControl {
    /// Where the job stands: the journal replayed, frames counted in the store, the controller lock tried.
    public static func status(folder: JobFolder, store: (any ObjectStore)? = nil) async throws -> JobStatus {
        let manifest = try folder.readManifest()
        let ledger = JobLedger(replaying: Journal.read(path: folder.journalPath))
        let store = try store ?? LocalExecutor.outputStore(for: manifest)
        let done = try await framesDone(manifest, store: store)
        var status = ledger.status(id: manifest.id, framesTotal: Set(manifest.allFrames).count, framesDone: done.count,
                                   tasksTotal: manifest.chunks.count, controllerAlive: folder.controllerAlive,
                                   jobFolder: folder.path)
        if status.stitch == .succeeded { status.video = videoPath(manifest) }
        status.frameMetrics = try await FrameMetrics.read(job: manifest.id, store: store)
        return status
    }

    /// Cancel a job. A live controller is asked (it stops its tasks and exits); for a dead one the
    /// orphaned processes are stopped here. Returns the status afterwards.
    public static func cancel(folder: JobFolder, timeout: Double = 30) async throws -> JobStatus {
        let manifest = try folder.readManifest()
        if folder.controllerAlive {
            FileManager.default.createFile(atPath: folder.cancelPath, contents: Data())
            let deadline = Date().addingTimeInterval(timeout)
            while folder.controllerAlive && Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
            try? FileManager.default.removeItem(atPath: folder.cancelPath)
        } else {
            let journal = try Journal(path: folder.journalPath)
            _ = await stopOrphans(folder: folder, jobID: manifest.id, journal: journal, grace: 3)
            let ledger = JobLedger(replaying: Journal.read(path: folder.journalPath))
            if !ledger.state.isFinal {
                journal.append(JournalEntry(.end, state: .cancelled, reason: "cancelled after its controller ended"))
            }
        }
        return try await status(folder: folder)
    }

    /// Stop the processes a dead controller left running: the process groups its journal names (only
    /// when a member of that group still carries the task's mark, since pids get reused), then any process carrying
    /// `BLENDBATCH_JOB_ID=<id>` (Blender in a group of its own). Journals each task as ended.
    /// Returns how many processes were stopped.
    public static func stopOrphans(folder: JobFolder, jobID: String, journal: Journal, grace: Double) async -> Int {
        try? FileManager.default.removeItem(atPath: folder.cancelPath)   // a stale request must not cancel the next run
        let ledger = JobLedger(replaying: Journal.read(path: folder.journalPath))
        var groups: [Int32] = []
        var pids: Set<pid_t> = []
        for (key, attempt, pgid) in ledger.runningGroups {
            let marker = "BLENDBATCH_TASK=\(jobID)/\(key.stage.rawValue)/\(key.index)/\(attempt)"
            let members = TaskProcess.processes(withEnvironment: marker).filter { getpgid($0) == pgid }
            if !members.isEmpty, TaskProcess.signalGroup(pgid, SIGTERM) {
                groups.append(pgid)
                pids.formUnion(members)
            }
            journal.append(JournalEntry(.exit, stage: key.stage, task: key.index, attempt: attempt,
                                        decision: .cancelled, reason: "its controller died; stopped"))
        }
        pids.formUnion(TaskProcess.processes(withEnvironment: "BLENDBATCH_JOB_ID=\(jobID)"))
        await TaskProcess.stopProcesses(withEnvironment: "BLENDBATCH_JOB_ID=\(jobID)", grace: grace)
        for pgid in groups { TaskProcess.signalGroup(pgid, SIGKILL) }
        return pids.count
    }

    /// Frames of the manifest that are done in the store, made with its settings (one listing; a store that does not answer within
    /// a listing's time, see `StoreOutage`, is a `StoreError.unreachable`).
    public static func framesDone(_ manifest: JobManifest, store: any ObjectStore) async throws -> Set<Int> {
        let timeout = StoreOutage(limit: LocalExecutor.defaultStoreOutageLimit()).listingTimeout
        return manifest.framesDone(among: try await doneKeys(manifest, store: store, timeout: timeout))
    }

    /// The keys under the manifest's `donePrefixes` (a listing each, each bounded by `timeout` when given).
    static func doneKeys(_ manifest: JobManifest, store: any ObjectStore, timeout: Double?) async throws -> Set<String> {
        var keys: Set<String> = []
        for prefix in manifest.donePrefixes {
            let objects: [ObjectInfo]
            if let timeout { objects = try await store.listAll(prefix: prefix, timeout: timeout) } else { objects = try await store.listAll(prefix: prefix) }
            keys.formUnion(objects.map(\.key))
        }
        return keys
    }

    /// `<out>/<name>.mp4`: for a local folder when the file exists, for a store URL its URL (asked
    /// only after the stitch succeeded, which put it there).
    public static func videoPath(_ manifest: JobManifest) -> String? {
        guard let location = try? StoreLocation(parsing: manifest.output.location) else { return nil }
        let video = location.appending(manifest.output.name + ".mp4")
        guard case .local(let path) = video else { return manifest.stitch?.video == false ? nil : video.description }
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
