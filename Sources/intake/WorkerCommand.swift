import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview
import Logging

/// `intake enqueue`: put inputs in the store's work queue for `intake worker` processes.
struct EnqueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue inputs in the store for `intake worker` processes (on this machine or others).",
        discussion: """
            Each input is stored with its bytes under the id of the order it will become, so \
            queuing the same file twice, or a file whose order exists, adds nothing. With no \
            inputs, prints the queue's counts.

            Examples:
              intake enqueue --db postgres://intake@db.internal/intake inbox/
              intake enqueue --sender clerk-7 'scans/*.tif'
              intake enqueue --json                     # counts only
            """)

    @OptionGroup var master: MasterDataOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Who sent these inputs: part of each order's sandbox and idempotency key.", valueName: "id"))
    var sender: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("Files, folders (recursive), glob patterns, or - for stdin.", valueName: "input"))
    var inputs: [String] = []

    func run() throws {
        let configuration = try master.loadConfiguration()
        let work = WorkQueue(store: try store.openQueue(configuration).store, pipeline: configuration.name)
        let collected = try InputCollector.collect(inputs).map { $0.sent(by: sender) }
        var added = 0
        // Batches keep one transaction's bytes in memory bounded, whatever the batch size.
        for start in stride(from: 0, to: collected.count, by: 64) {
            added += try work.enqueue(Array(collected[start..<min(start + 64, collected.count)]))
        }
        let counts = try work.counts()
        if json {
            try JSONOutput.line(EnqueueReport(
                added: added, known: collected.count - added, queue: counts, holders: try work.leaseHolders()))
        } else {
            if !collected.isEmpty { print("queued \(added) new inputs (\(collected.count - added) already queued or stored)") }
            print("\(configuration.name): \(counts.queued) queued, \(counts.leased) being processed, \(counts.done) done")
            for (worker, held) in try work.leaseHolders().sorted(by: { $0.key < $1.key }) { print("  \(worker) holds \(held)") }
        }
    }

    struct EnqueueReport: Encodable {
        var added: Int
        var known: Int
        var queue: WorkQueue.Counts
        /// Live leases by worker name.
        var holders: [String: Int]
    }
}

/// `intake worker`: process inputs from the store's work queue until stopped.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Process queued inputs from the store, alongside any number of other workers.",
        discussion: """
            Run one or more workers per machine against one PostgreSQL store (or, on one \
            machine, a SQLite file). Each claims a few inputs at a time with a lease and renews \
            it while working; other workers skip claimed inputs. A worker that dies (kill -9, \
            power loss) loses its leases when they end, and another worker finishes its inputs: \
            each input still yields exactly one order. An input that stopped --max-attempts \
            workers is not tried again: it goes to the dead letters with a `failed` order. SIGINT or SIGTERM finishes the inputs in \
            flight and hands back the rest.

            Examples:
              intake worker --db postgres://intake@db.internal/intake
              intake worker --until-empty --jobs 2
              INTAKE_DB=postgres://intake@127.0.0.1/intake intake worker --lease 5m
            """)

    @OptionGroup var master: MasterDataOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Workers per stage (overrides the pipeline file).")
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("How long a claim lasts without renewal (e.g. 30s, 5m); a dead worker's inputs wait this long.", valueName: "duration"))
    var lease: String = "2m"

    @Option(name: .long, help: "Inputs claimed at once.")
    var batch: Int = 2

    @Option(name: .long, help: ArgumentHelp("Claims an input gets; one that stopped this many workers (crash, hang, kill) goes to the dead letters instead.", valueName: "n"))
    var maxAttempts: Int = 5

    @Option(name: .long, help: ArgumentHelp("Pause between claims while the queue is empty (e.g. 500ms).", valueName: "duration"))
    var poll: String = "500ms"

    @Option(name: .long, help: ArgumentHelp("This worker's name in leases and logs. Default: HOST:PID.", valueName: "name"))
    var id: String?

    @Flag(name: .long, help: "Exit once nothing is left to claim (default: wait for more).")
    var untilEmpty = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .notice

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
        if !(1...1000).contains(batch) { throw ValidationError("--batch must be between 1 and 1000") }
        if !(1...100).contains(maxAttempts) { throw ValidationError("--max-attempts must be between 1 and 100") }
    }

    func run() throws {
        LogSetup.bootstrap(level: logLevel)
        let logger = Logger(label: "intake.worker")
        var configuration = try master.loadConfiguration()
        if let jobs { configuration.setConcurrency(jobs) }
        guard let leaseSeconds = ConfigNode.seconds(lease), leaseSeconds >= 1 else {
            throw ValidationError("--lease: expected a duration of at least 1s, such as 30s or 5m")
        }
        guard let pollSeconds = ConfigNode.seconds(poll) else { throw ValidationError("--poll: expected a duration such as 500ms") }
        let name = id ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let queue = try store.openQueue(configuration)
        let work = WorkQueue(store: queue.store, pipeline: configuration.name, lease: leaseSeconds)
        let inputs = ClaimedInputs(
            queue: work, worker: name, deadLetters: queue, maxAttempts: maxAttempts, batch: batch, poll: pollSeconds,
            untilEmpty: untilEmpty, logger: logger)
        logger.notice("worker started", metadata: ["worker": "\(name)", "store": "\(queue.store.location)", "pipeline": "\(configuration.name)"])

        let data = try master.loadMasterData(for: configuration)
        let sink = ReviewQueueSink(queue: queue)
        let pipeline = try StageCatalog.registry(pipeline: configuration.name, master: data)
            .makePipeline(configuration, sink: sink, deadLetters: queue, lookup: queue)
        pipeline.onStop { inputs.stop() }
        let signals = StopSignals { pipeline.stop() }
        let summary = pipeline.run(inputs)
        withExtendedLifetime(signals) {}
        try inputs.finish()
        logger.notice("worker finished", metadata: [
            "worker": "\(name)", "claimed": "\(inputs.claimed)", "retired": "\(inputs.retired)", "records": "\(summary.written)", "statuses": "\(summary.statusList)",
            "created": "\(sink.created)", "seconds": "\(String(format: "%.1f", summary.seconds))"])
        if let error = summary.sinkError { throw RuntimeError("could not store the orders: \(error)") }
        if let error = inputs.error { throw RuntimeError("lost the work queue: \(error)") }
        if summary.stopped && !untilEmpty { throw ExitCode(130) }
    }
}
