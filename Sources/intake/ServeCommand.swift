import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview
import IntakeServer
import Logging

/// `intake serve`: the HTTP intake, review API and review page over the same pipeline and store
/// as the command line.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve HTTP intake (alerts, audio, documents, messages), the review API and page, /metrics.",
        discussion: """
            Uploads are kept on disk under the data folder before they are answered with \
            202 Accepted, so a crash loses nothing; on restart, accepted uploads not yet stored \
            are processed. Inputs are then kept for the review page within \
            `server.inputs_retention` (30 days and 20 GB by default, oldest removed first). \
            Every /v1 request needs a token from `intake tokens create`. The \
            review page is at / (paste a reviewer token). SIGINT or SIGTERM stops taking \
            requests and lets the orders in flight finish.

            Settings come from the pipeline file's `server:` section; flags win.

            Examples:
              intake tokens create --role reviewer --name alice
              intake serve --port 8080
              intake serve --watch scans/inbox --db /var/lib/intake/intake.db
              intake serve --db /tmp/trial.db --data /tmp/trial --events-file /tmp/trial/events.jsonl
              curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                   --data-binary @samples/vibration/p101-outer-race.json http://127.0.0.1:8080/v1/alerts
            """)

    @OptionGroup var master: MasterDataOptions
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Address to listen on (default: server.host, else 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (default: server.port, else 8080).")
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("Data folder for uploads and kept inputs (default: server.data, else beside the store).", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("A folder to watch for new files (repeatable; adds to server.watch).", valueName: "dir"))
    var watch: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write the bound port to this file once listening (for scripts and tests).", valueName: "file"))
    var portFile: String?

    @Option(name: .long, help: ArgumentHelp(
        "Deliver events to this JSON Lines file instead of the pipeline's `events:` sinks (trials and benchmarks, which must not feed your ERP).",
        valueName: "file"))
    var eventsFile: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .notice

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        LogSetup.bootstrap(level: logLevel)
        IntakeServer.bootstrapMetrics()
        let pipeline = try master.loadConfiguration()
        let masterData = try master.loadMasterData(for: pipeline)
        let queue = try store.openQueue(pipeline, materials: masterData.materials)
        var settings = try ServerConfiguration(pipeline: pipeline, storeFolder: queue.store.folder)
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let data { settings.dataFolder = URL(fileURLWithPath: data).standardizedFileURL }
        settings.watchFolders += watch.map { URL(fileURLWithPath: $0).standardizedFileURL }

        let server = IntakeServer(
            configuration: settings, pipelineConfiguration: pipeline,
            stages: StageCatalog.registry(pipeline: pipeline.name, master: masterData), queue: queue,
            eventSinks: try eventsFile.map { [JSONLinesEventSink(name: "events-file", url: URL(fileURLWithPath: $0).standardizedFileURL)] }
                ?? EventSinkConfiguration.sinks(from: pipeline.events))
        let portFile = portFile
        try await server.run { port in
            if let portFile { try? Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic) }
        }
    }
}

extension ServerConfiguration {
    /// The pipeline file's `server:` section; the data folder defaults to `server/` beside the
    /// store (`storeFolder`, or intake-data when the store is not a local file).
    init(pipeline: PipelineConfiguration, storeFolder: URL?) throws {
        let folder = storeFolder ?? URL(fileURLWithPath: "intake-data").standardizedFileURL
        try self.init(
            node: pipeline.server, directory: URL(fileURLWithPath: pipeline.file).deletingLastPathComponent(),
            defaultDataFolder: folder.appendingPathComponent("server"))
    }
}
