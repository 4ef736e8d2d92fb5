import Foundation

/// Runs the tasks a Lua thread blocks on (`LuaState.wait`) on threads of its own.
///
/// A Lua chunk may block the thread it runs on; when that thread belongs to Swift's cooperative
/// pool (a test, a host that calls Lua from a task) and the pool is as narrow as the machine
/// (2 threads on 2 cores), the task being waited for could never run. Giving waited-for work its
/// own threads, as a task executor preference, makes the wait safe from any thread.
final class WaitExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` is only touched under `condition`.
    static let shared = WaitExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.runJobs() }
            thread.name = "blendbatch.lua-wait-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 1024, head * 2 > jobs.count {  // compact the consumed prefix now and then
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
