import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore

/// `intake master check`: validate master data and the knowledge graph.
struct MasterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master",
        abstract: "Work with master data (materials, devices, intent graph).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and validate the material master, device registry and intent graph.",
            discussion: """
                Errors name the file, the line and the reason, and exit with status 2.

                Examples:
                  intake master check
                  intake master check --materials my/materials.csv --graph my/graph.yaml
                """)

        @OptionGroup var master: MasterDataOptions

        @Flag(name: .long, help: "Print counts as JSON.")
        var json = false

        func run() throws {
            let data = try master.loadMasterData(for: master.loadConfiguration())
            let counts: [(String, Int)] = [
                ("materials", data.materials.materials.count), ("devices", data.devices.devices.count),
                ("maintenance_entries", data.maintenance.count),
                ("procedures", data.graph.procedures.count), ("symptoms", data.graph.symptoms.count),
                ("actions", data.graph.actions.count), ("modifiers", data.graph.modifiers.count),
            ]
            if json {
                print("{" + counts.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
            } else {
                print("ok: " + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", "))
            }
        }
    }
}
