import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview

/// `intake deadletters …`: inputs that could not become orders, with their original bytes.
struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletters",
        abstract: "List, inspect and retry inputs that failed.",
        discussion: """
            Every failed input is kept with the reason and its original bytes. Once the cause is \
            fixed (a new master-data alias, a bigger timeout), retry it: a success replaces the \
            failed order under the same id.

            Examples:
              intake deadletters list
              intake deadletters show ord_0123456789abcdef01234567 --bytes original.wav
              intake deadletters retry --all
            """,
        subcommands: [List.self, Show.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters, newest first.")

        @OptionGroup var queue: QueueOptions

        @Flag(name: .long, help: "Include those a retry has resolved.")
        var all = false

        @Option(name: .long, help: "At most this many (the newest).")
        var limit: Int = 1000

        @Flag(name: .long, help: "One JSON object per dead letter.")
        var json = false

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            for letter in try queue.openQueue().deadLetters(includeResolved: all, limit: limit) {
                if json { try JSONOutput.line(letter); continue }
                print("\(letter.orderID)  \(letter.failedAt)  \(letter.stage)  \(letter.code)  \(letter.uri)  \(letter.size) bytes\(letter.resolvedAt == nil ? "" : "  resolved")")
                print("    \(letter.reason)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a dead letter; --bytes writes its original input to a file.",
            discussion: """
                The files kept with it (a sidecar's waveform, listed under `files`) are written beside \
                that file, under its name with their extension (--bytes alert.json writes alert.csv), \
                so the two still pair up.
                """)

        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: ArgumentHelp("Write the original input bytes here.", valueName: "file"))
        var bytes: String?

        @Argument(help: "Order id.")
        var id: String

        func run() throws {
            let opened = try queue.openQueue()
            let (letter, data) = try opened.deadLetter(id)
            try JSONOutput.pretty(letter)
            guard let bytes else { return }
            let target = URL(fileURLWithPath: bytes)
            try data.write(to: target, options: .atomic)
            for file in try opened.deadLetterFiles(of: letter) {
                let beside = target.deletingPathExtension().appendingPathExtension(URL(fileURLWithPath: file.name).pathExtension)
                try file.load().write(to: beside, options: .atomic)
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run dead letters through the pipeline again.")

        @OptionGroup var master: MasterDataOptions
        @OptionGroup var store: StoreOptions

        @Flag(name: .long, help: "Retry every unresolved dead letter.")
        var all = false

        @Flag(name: .long, help: "No progress bar or summary.")
        var quiet = false

        @OptionGroup var events: EventDeliveryOptions

        @Argument(help: "Order ids.")
        var ids: [String] = []

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("name order ids or pass --all") }
        }

        func run() throws {
            let configuration = try master.loadConfiguration()
            let queue = try store.openQueue(configuration)
            // Every open one, not the newest 1,000; each one's bytes are read when it runs.
            let letters = all ? try queue.deadLetters(limit: .max) : try ids.map { try queue.deadLetter($0).letter }
            let inputs = try letters.map { try queue.retryInput(of: $0) }
            try PipelineRun(configuration: configuration, master: master, store: store, quiet: quiet, deliverEvents: events.deliverEvents)
                .process(inputs, out: nil)
        }
    }
}
