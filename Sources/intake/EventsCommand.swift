import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview
import Logging
import Synchronization

/// `intake events relay`: deliver outbox events to the sinks in the pipeline's `events:`.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Deliver order and sandbox events (CloudEvents) from the outbox.",
        subcommands: [Relay.self])

    struct Relay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver outbox events to the pipeline's event sinks, at least once, in order.",
            discussion: """
                Failed deliveries are retried with exponential back-off; after a sink's \
                max_attempts the event is recorded as undeliverable and the sink moves on. \
                Without --once the relay keeps running until SIGINT or SIGTERM.

                Examples:
                  intake events relay --once
                  intake events relay --interval 2s
                """)

        @OptionGroup var queue: QueueOptions

        @Flag(name: .long, help: "Deliver what is due now and exit.")
        var once = false

        @Option(name: .long, help: "Seconds between passes when running continuously.")
        var interval: Double = 1

        @Flag(name: .long, help: "Print the per-sink report as JSON.")
        var json = false

        func run() throws {
            LogSetup.bootstrap(level: .notice)
            let configuration = try queue.configuration()
            let sinks = try EventSinkConfiguration.sinks(from: configuration?.events)
            guard !sinks.isEmpty else { throw ValidationError("the pipeline file has no `events:` sinks to deliver to") }
            let relay = OutboxRelay(
                store: try queue.store.openQueue(configuration).store, sinks: sinks,
                retention: configuration.flatMap(\.outboxRetention))
            if once {
                let reports = try relay.deliverDue()
                if json { return try JSONOutput.line(reports) }
                for (name, report) in reports.sorted(by: { $0.key < $1.key }) {
                    print("\(name): \(report.delivered) delivered, \(report.pending) waiting, \(report.failed) undeliverable")
                }
                return
            }
            let stop = StopFlag()
            let signals = StopSignals { stop.set() }
            relay.run(interval: interval) { stop.isSet }
            withExtendedLifetime(signals) {}
        }
    }
}

/// A flag set from a signal handler and read by a loop.
final class StopFlag: Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
