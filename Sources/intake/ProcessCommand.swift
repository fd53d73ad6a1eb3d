import ArgumentParser
import Foundation
import IntakeCore
import Logging

/// `intake process`: run a pipeline over files, folders, globs or stdin and print JSON Lines.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Process inputs through a pipeline and print one order record (JSON) per input.",
        discussion: """
            Inputs are routed by content, not by name. Every input yields exactly one record; \
            one that cannot be read becomes a `failed` record with an `error`, and its original \
            bytes are kept under --dead-letters.

            Examples:
              intake process samples/messages
              intake process --out orders.jsonl 'inbox/*.txt'
              echo "store 12: 3 iced americano, no straw" | intake process -
              intake process --materials my/materials.csv --graph my/graph.yaml --jobs 2 inbox/
            """)

    @OptionGroup var master: MasterDataOptions

    @Option(name: .long, help: ArgumentHelp("Write records here instead of stdout.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: "Workers per stage (overrides the pipeline file).")
    var jobs: Int?

    @Option(name: .customLong("dead-letters"), help: ArgumentHelp(
        "Folder for inputs that failed, with their original bytes (default: the pipeline's sink.dead_letters, else intake-data/dead-letters).",
        valueName: "dir"))
    var deadLetters: String?

    @Flag(name: .long, help: "No progress bar or summary.")
    var quiet = false

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
        if let jobs {
            for r in configuration.routes.indices {
                for s in configuration.routes[r].stages.indices { configuration.routes[r].stages[s].settings.concurrency = jobs }
            }
        }
        let data = try master.loadMasterData(for: configuration)
        let arguments = inputs.isEmpty ? configuration.inputs : inputs
        guard !arguments.isEmpty else { throw ValidationError("name at least one input (a file, a folder, a glob or -)") }
        let collected = try InputCollector.collect(arguments)

        let progress = ProgressReporter(total: collected.count, enabled: !quiet && ProgressReporter.stderrIsTerminal)
        let sink = try out.map { try JSONLinesSink(url: URL(fileURLWithPath: $0), onWrite: progress.recorded) }
            ?? JSONLinesSink(onWrite: progress.recorded)
        let letters = DeadLetterDirectory(directory: deadLetters.map(URL.init(fileURLWithPath:))
            ?? configuration.deadLetters ?? URL(fileURLWithPath: "intake-data/dead-letters"))
        let pipeline = try StageCatalog.registry(pipeline: configuration.name, master: data)
            .makePipeline(configuration, sink: sink, deadLetters: letters)
        let signals = StopSignals { pipeline.stop() }
        let summary = pipeline.run(collected)
        withExtendedLifetime(signals) {}
        progress.finish(summary)
        if let error = summary.sinkError {
            throw RuntimeError("could not write the output: \(error)")
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
