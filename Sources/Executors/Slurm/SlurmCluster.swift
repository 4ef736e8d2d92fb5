import Foundation
import ProcessSpawn
import RenderPlan

/// A Slurm cluster as its command-line tools show it: `sbatch`, `squeue`, `scontrol` and `scancel`
/// from PATH, with Slurm's own environment (`SLURM_CONF`, …) passed through. No daemon of ours runs
/// on the cluster.
public struct SlurmCluster: Sendable {
    public init() {}

    /// Submit `script` with `sbatch --parsable` and extra `arguments`; returns the job id.
    public func submit(_ arguments: [String], script: String) throws(SlurmError) -> String {
        let output = try run("sbatch", ["--parsable"] + arguments + [script])
        // `--parsable` prints `id` or `id;cluster`.
        guard let id = output.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError("sbatch printed no job id: \(output.prefix(200))")
        }
        return id
    }

    /// The cluster's `MaxArraySize` (array indices run 0 … MaxArraySize − 1); Slurm's default when unreadable.
    public func maxArraySize() -> Int {
        let text = (try? run("scontrol", ["show", "config"])) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { return value }
        }
        return 1001
    }

    /// Every job record the controller still has (pending, running and recently finished), from `squeue --json`.
    public func jobs() throws(SlurmError) -> [SlurmJobState] {
        let text = try run("squeue", ["--json", "--states=all"])
        do {
            return try JSONDecoder().decode(SlurmJobList.self, from: Data(text.utf8)).jobs
        } catch {
            throw SlurmError("squeue --json printed something unreadable: \(error)")
        }
    }

    /// Cancel jobs (array jobs whole); ids Slurm no longer knows are ignored.
    public func cancel(_ ids: [String]) throws(SlurmError) {
        guard !ids.isEmpty else { return }
        _ = try run("scancel", ids)
    }

    /// Put a running or failed job (one array task: `ARRAY_TASK`) back in the queue and let it start at
    /// once: Slurm holds a requeued job about two minutes otherwise. The requeue ends a task's own batch
    /// script there and then, so the release (`scontrol update StartTime=now` once the job is pending)
    /// runs in a process of its own, started first. It outlives the script where the cluster tracks a
    /// job's processes by parent (proctrack/linuxproc); under cgroup tracking it ends with the job and
    /// the task waits the hold out.
    public func requeue(_ id: String) throws(SlurmError) {
        let release = "for attempt in $(seq 1 30); do sleep 1; scontrol update JobId=\"$1\" StartTime=now 2>/dev/null && exit 0; done"
        _ = try? ProcessSpawn.spawn(["/bin/sh", "-c", release, "release", id], environment: ProcessInfo.processInfo.environment,
                                    output: .appending(path: "/dev/null"))
        _ = try run("scontrol", ["requeue", id])
    }

    /// How long one Slurm command may take: a controller that does not answer fails the command
    /// (Slurm's own retries take up to about a minute) instead of hanging the job's controller.
    static let commandTimeout: TimeInterval = 90

    /// Run a Slurm tool; its stdout, or a `SlurmError` with its stderr.
    func run(_ tool: String, _ arguments: [String]) throws(SlurmError) -> String {
        let result: CompletedRun
        do {
            result = try ProcessSpawn.runToCompletion([tool] + arguments, environment: ProcessInfo.processInfo.environment,
                                                      timeout: Self.commandTimeout, outputLimit: 256 << 20)
        } catch .cannotStart(let reason) {
            throw SlurmError("cannot run \(tool) (\(reason)): install Slurm's client tools (Debian: slurm-client) on this machine",
                             code: .unavailable)
        } catch {
            throw SlurmError("\(tool) did not answer within \(Int(Self.commandTimeout)) s: is slurmctld up? (scontrol ping)",
                             code: .unavailable)
        }
        guard result.exitCode == 0 else {
            let message = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let status = result.exitCode.map { "exit \($0)" } ?? "signal \(result.signal ?? 0)"
            throw SlurmError("\(tool) \(arguments.first ?? ""): \(message.split(separator: "\n").first.map(String.init) ?? status)")
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }
}

/// One job record of `squeue --json` (Slurm 22.05's `openapi/v0.0.38` shape; fields we read).
public struct SlurmJobState: Decodable, Sendable, Equatable {
    public var jobID: Int
    public var arrayJobID: Int?
    public var arrayTaskID: Int?
    /// A pending array's not-yet-started indices, e.g. `2-5%1`.
    public var arrayTaskString: String?
    /// PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, REQUEUED, …
    public var state: String
    /// The wait status (exit code × 256, or the signal).
    public var exitStatus: Int?
    public var restarts: Int
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", arrayJobID = "array_job_id", arrayTaskID = "array_task_id"
        case arrayTaskString = "array_task_string", state = "job_state", exitStatus = "exit_code"
        case restarts = "restart_cnt", reason = "state_reason"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobID = try c.decode(Int.self, forKey: .jobID)
        arrayJobID = try c.decodeIfPresent(Int.self, forKey: .arrayJobID).flatMap { $0 == 0 ? nil : $0 }
        arrayTaskID = try c.decodeIfPresent(Int.self, forKey: .arrayTaskID)
        arrayTaskString = try c.decodeIfPresent(String.self, forKey: .arrayTaskString).flatMap { $0.isEmpty ? nil : $0 }
        state = try c.decode(String.self, forKey: .state)
        exitStatus = try c.decodeIfPresent(Int.self, forKey: .exitStatus)
        restarts = try c.decodeIfPresent(Int.self, forKey: .restarts) ?? 0
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    /// The task's id as its log and attempt records name it (`ARRAY_TASK`, or the job id); nil for a
    /// pending range of an array.
    public var taskID: String? {
        guard arrayTaskString == nil else { return nil }
        if let arrayJobID, let arrayTaskID { return "\(arrayJobID)_\(arrayTaskID)" }
        return String(jobID)
    }

    /// The exit code a finished task ended with (the wait status's high byte).
    public var exitCode: Int32? { exitStatus.map { Int32(($0 >> 8) & 0xff) } }
    public var isFinal: Bool { ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"].contains(state) }
}

struct SlurmJobList: Decodable {
    var jobs: [SlurmJobState]
}

/// A Slurm tool failed or is missing: one line, and the exit code to end with.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var code: ExitCode

    public init(_ message: String, code: ExitCode = .unavailable) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
