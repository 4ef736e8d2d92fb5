import Foundation

/// A render task's scratch folder, `<parent>/blendbatch-<job>-<index>-<random>`, holding an `flock`
/// on its `.owner` file for as long as its worker lives. A worker killed with SIGKILL cannot remove
/// its folder; the lock dies with it, so the next worker making a folder in the same parent removes
/// every such folder whose lock it can take (and that is older than a minute: one being made right
/// now has no lock yet).
final class WorkFolder: @unchecked Sendable {
    // Sendable: `fd` is set once in init and closed once in `remove()`, under `lock`.
    let path: String
    private var fd: Int32
    private let lock = NSLock()

    static let prefix = "blendbatch-"
    static let ownerFile = ".owner"
    /// Folders younger than this are never swept.
    static let minimumAge: TimeInterval = 60

    /// Sweep the stale folders of `parent`, then make a fresh one for task `index` of job `job`.
    init(parent: String, job: String, index: Int) throws {
        Self.sweep(parent)
        path = parent + "/\(Self.prefix)\(job)-\(index)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        fd = open(path + "/" + Self.ownerFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    deinit { remove() }

    /// Remove the folder and let go of its lock.
    func remove() {
        lock.withLock {
            guard fd >= 0 else { return }
            try? FileManager.default.removeItem(atPath: path)
            close(fd)
            fd = -1
        }
    }

    /// Remove the folders in `parent` whose owner is gone. Returns how many were removed.
    @discardableResult
    static func sweep(_ parent: String, now: Date = Date()) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            let folder = parent + "/" + name
            let owner = folder + "/" + ownerFile
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: owner))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) >= minimumAge else { continue }
            let fd = open(owner, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }   // its worker still runs
            if (try? FileManager.default.removeItem(atPath: folder)) != nil { removed += 1 }
        }
        return removed
    }
}
