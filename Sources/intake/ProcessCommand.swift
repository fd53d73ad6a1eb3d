import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview
import Logging

/// `intake process`: run a pipeline over files, folders, globs or stdin, store every order and
/// print it as JSON Lines.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Process inputs through a pipeline, store each order in the review queue and print it (JSON).",
        discussion: """
            Inputs are routed by content, not by name. Every input yields exactly one order: \
            one that cannot be read becomes a `failed` order and a dead letter with its original \
            bytes (see `intake deadletters`). Orders are stored in --db; running the same batch \
            again (after a crash, say) prints the stored orders and creates none twice.

            Examples:
              intake process samples/messages
              intake process --out orders.jsonl 'inbox/*.txt'
              echo "store 12: 3 iced americano, no straw" | intake process --sender courier-app -
              intake process --db /var/lib/intake/intake.db --jobs 2 inbox/
            """)

    @OptionGroup var master: MasterDataOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Write records here instead of stdout.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: "Workers per stage (overrides the pipeline file).")
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("Who sent these inputs (an app, device or user id): part of each order's sandbox and idempotency key.", valueName: "id"))
    var sender: String?

    @Flag(name: .long, help: "No progress bar or summary.")
    var quiet = false

    @OptionGroup var events: EventDeliveryOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .notice

    @Argument(help: ArgumentHelp("Files, folders (recursive), glob patterns, or - for stdin. Default: the pipeline's `inputs`.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
    }

    func run() throws {
        LogSetup.bootstrap(level: logLevel)
        var configuration = try master.loadConfiguration()
        if let jobs { configuration.setConcurrency(jobs) }
        let arguments = inputs.isEmpty ? configuration.inputs : inputs
        guard !arguments.isEmpty else { throw ValidationError("name at least one input (a file, a folder, a glob or -)") }
        let collected = try InputCollector.collect(arguments).map { $0.sent(by: sender) }
        let run = PipelineRun(configuration: configuration, master: master, store: store, quiet: quiet, deliverEvents: events.deliverEvents)
        try run.process(collected, out: out)
    }
}

/// Runs a pipeline into the review queue: shared by `process` and `deadletters retry`.
struct PipelineRun {
    let configuration: PipelineConfiguration
    let master: MasterDataOptions
    let store: StoreOptions
    let quiet: Bool
    var deliverEvents = true

    func process(_ inputs: [PipelineInput], out: String?) throws {
        let data = try master.loadMasterData(for: configuration)
        let queue = try store.openQueue(configuration)
        let eventSinks = deliverEvents ? try EventSinkConfiguration.sinks(from: configuration.events) : []
        let progress = ProgressReporter(total: inputs.count, quiet: quiet)
        let output = try out.map { try JSONLinesSink(url: URL(fileURLWithPath: $0), onWrite: progress.recorded) }
            ?? JSONLinesSink(onWrite: progress.recorded)
        let sink = ReviewQueueSink(queue: queue, next: output)
        let pipeline = try StageCatalog.registry(pipeline: configuration.name, master: data)
            .makePipeline(configuration, sink: sink, deadLetters: queue, lookup: queue)
        let signals = StopSignals { pipeline.stop() }
        let summary = pipeline.run(inputs)
        withExtendedLifetime(signals) {}
        progress.finish(summary, created: sink.created, existing: sink.existing)
        if !eventSinks.isEmpty {
            do {
                let reports = try OutboxRelay(store: queue.store, sinks: eventSinks, retention: configuration.outboxRetention).deliverDue()
                for (name, report) in reports.sorted(by: { $0.key < $1.key }) where report.pending > 0 || report.failed > 0 {
                    Logger(label: "intake").warning("events for \(name): \(report.delivered) delivered, \(report.pending) waiting for a retry (`intake events relay`), \(report.failed) undeliverable")
                }
            } catch {
                Logger(label: "intake").warning("events not delivered yet (they stay in the outbox): \(error.intakeMessage)")
            }
        }
        if let error = summary.sinkError {
            throw RuntimeError("could not store or write the orders: \(error)")
        }
        if summary.stopped {
            Logger(label: "intake").notice("stopped before \(summary.notStarted.count) inputs; run again with them to finish")
            throw ExitCode(130)
        }
    }
}

/// A failure while running (not a usage error): exit status 1.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
