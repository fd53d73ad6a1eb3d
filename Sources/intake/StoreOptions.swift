import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeReview

/// `--db`: the order store, a SQLite file or a `postgres://` URL. Default: `$INTAKE_DB`, else the
/// pipeline file's `store.url` or `store.path`, else intake-data/intake.db.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Order store: a SQLite file, or postgres://USER@HOST[:PORT]/DATABASE. Default: $INTAKE_DB, else the pipeline's store.url or store.path, else intake-data/intake.db.",
        valueName: "path|url"))
    var db: String?

    /// Opens the store and the review queue with the pipeline's `review:` settings; with
    /// `materials`, corrections are checked against its SKUs (only commands that correct pass it).
    func openQueue(_ configuration: PipelineConfiguration?, materials: MaterialMaster? = nil) throws -> ReviewQueue {
        let location = db ?? ProcessInfo.processInfo.environment["INTAKE_DB"].flatMap { $0.isEmpty ? nil : $0 }
            ?? configuration?.storeURL ?? configuration?.storePath?.path ?? "intake-data/intake.db"
        let store = try OrderStore.open(location, busyTimeout: configuration?.storeBusyTimeout ?? 5)
        let catalog = materials.map { SKUCatalog($0.materials.map { ($0.sku, $0.name) }) }
        return ReviewQueue(store: store, settings: try ReviewSettings(node: configuration?.review), catalog: catalog)
    }
}

/// `--pipeline` and `--db` for commands that work on the store: the pipeline file is read for
/// its `store:`, `review:` and `events:` sections when it exists.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Pipeline file (for store, review policy and event sinks), if present.", valueName: "yaml"))
    var pipeline: String = "pipelines/default.yaml"

    @OptionGroup var store: StoreOptions

    func configuration() throws -> PipelineConfiguration? {
        guard FileManager.default.fileExists(atPath: pipeline) else { return nil }
        return try PipelineConfiguration.load(URL(fileURLWithPath: pipeline))
    }

    func openQueue() throws -> ReviewQueue {
        try store.openQueue(configuration())
    }

    /// The queue with the pipeline's material master, for checking the SKUs of corrections.
    func openQueueCheckingSKUs() throws -> ReviewQueue {
        let configuration = try configuration()
        return try store.openQueue(configuration, materials: try configuration?.materials.map(MaterialMaster.load))
    }
}

/// `--actor`: who is acting, recorded in the audit trail.
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Your name for the audit trail (default: $INTAKE_ACTOR, else $USER).", valueName: "name"))
    var actor: String?

    func validate() throws {
        guard name != nil else { throw ValidationError("say who you are with --actor NAME (or set INTAKE_ACTOR)") }
        if name == "system" { throw ValidationError("`system` is reserved for decisions intake makes itself") }
    }

    private var name: String? {
        let environment = ProcessInfo.processInfo.environment
        return [actor, environment["INTAKE_ACTOR"], environment["USER"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    var value: String { name ?? "unknown" }
}

/// Writes values as JSON: one compact object per line, keys sorted.
enum JSONOutput {
    static func line(_ value: some Encodable) throws {
        var data = try OrderRecordCoding.encoder().encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }

    static func pretty(_ value: some Encodable) throws {
        let encoder = OrderRecordCoding.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
