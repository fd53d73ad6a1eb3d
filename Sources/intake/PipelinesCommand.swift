import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore

/// `intake pipelines check FILE…`: validate pipeline files without running them.
struct PipelinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelines",
        abstract: "Work with pipeline files.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate pipeline files: keys, stage names, stage order and the master data they name.",
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
                let summary = routes.map { "\($0.modality): \($0.stages.map(\.stage.name).joined(separator: " → "))" }
                print("ok: \(file) (\(summary.joined(separator: "; ")))")
            }
        }
    }
}
