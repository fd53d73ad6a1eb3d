import Foundation

/// Threads of the test servers' own: a `TaskExecutor` whose jobs run on a few threads no test
/// body runs on.
///
/// In: the jobs of every task that prefers this executor (a test server's service group and the
/// child tasks it makes per connection and per request). Out: each job run on one of `count`
/// dedicated threads.
///
/// Why: in the test process, Swift Testing runs test bodies on the cooperative pool, two threads
/// on two cores. The voice suites decode on those threads synchronously, and a CLI test blocks
/// one while its child process runs; a server on the same pool then answered nothing for seconds
/// at a time, and a browser's first page load timed out in CI. `intake serve` has a process (and
/// a pool) of its own; this gives the in-process test server the same.
final class ServerThreads: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable is safe: `jobs` is only touched with `condition` held.

    /// The one pool every test server's tasks run on.
    static let shared = ServerThreads(count: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(count: Int) {
        for index in 0..<count {
            let thread = Thread { [unowned self] in self.run() }
            thread.name = "test-server-\(index)"
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

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
