import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeReview
import IntakeServer

/// `intake pipelines check FILE…`: validate pipeline files without running them.
struct PipelinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelines",
        abstract: "Work with pipeline files.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate pipeline files: keys, stage names, stage order, the master data they name, and the store, review, events and server sections.",
            discussion: """
                Prints `ok` per valid file; a bad file gets `file:line: key: reason` and exit status 2.

                Example:
                  intake pipelines check pipelines/*.yaml
                """)

        @Argument(help: ArgumentHelp("Pipeline files to check.", valueName: "file"))
        var files: [String]

        func run() throws {
            for file in files {
                let options = try MasterDataOptions.parse(["--pipeline", file])
                let configuration = try options.loadConfiguration()
                let data = try options.loadMasterData(for: configuration)
                let routes = try StageCatalog.registry(pipeline: configuration.name, master: data).routes(for: configuration)
                // The sections `process` and `serve` read only when they start: a bad value there
                // must fail the check too, not the first run.
                _ = try ReviewSettings(node: configuration.review)
                _ = try EventSinkConfiguration.sinks(from: configuration.events)
                _ = try ServerConfiguration(pipeline: configuration, storeFolder: nil)
                let summary = routes.map { "\($0.modality): \($0.stages.map(\.stage.name).joined(separator: " → "))" }
                print("ok: \(file) (\(summary.joined(separator: "; ")))")
            }
        }
    }
}
