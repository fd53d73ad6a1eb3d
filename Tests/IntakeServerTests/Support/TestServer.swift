import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IntakeAlignment
import IntakeCore
import IntakeReview
@testable import IntakeServer
import IntakeTestSupport
@testable import intake
import Logging
import ServiceLifecycle

/// A real `intake serve` in this process: the default pipeline (text and vibration routes on
/// the demo master data), a fresh store and data folder, bound to 127.0.0.1 on a free port.
/// Each role gets a token. `stop()` shuts it down gracefully; `restart()` starts it again on
/// the same store and folders, as after a crash or a deploy. Events go nowhere unless an
/// `eventsFile` is named (never to the default pipeline's sinks in the checkout).
final class TestServer: @unchecked Sendable {
    // @unchecked: the mutable run state is only touched by the test that owns the server.
    let folder: URL
    let queue: ReviewQueue
    let configuration: ServerConfiguration
    let admin: String
    let reviewer: String
    let device: String
    private(set) var port = 0
    private var group: ServiceGroup?
    private var task: Task<Void, any Error>?

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The modalities whose routes the default pipeline loses for this server (to test 501).
    let withoutRoutes: Set<Modality>
    /// Where the outbox relay delivers events, if anywhere.
    let eventsFile: URL?

    init(
        watch: [String] = [], withoutRoutes: Set<Modality> = [], eventsFile: URL? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws {
        self.withoutRoutes = withoutRoutes
        self.eventsFile = eventsFile
        let folder = try makeTemporaryDirectory(prefix: "intake-server")
        self.folder = folder
        let pipeline = try PipelineConfiguration.load(Self.repository.appendingPathComponent("pipelines/default.yaml"))
        // Opened as `intake serve` opens it: the pipeline's review settings and the master's SKUs.
        queue = try StoreOptions.parse(["--db", folder.appendingPathComponent("intake.db").path])
            .openQueue(pipeline, materials: try Self.masterData().materials)
        let store = queue.store
        var configuration = ServerConfiguration(dataFolder: folder.appendingPathComponent("server"))
        configuration.port = 0
        configuration.watchFolders = watch.map { folder.appendingPathComponent($0) }
        configuration.watchInterval = 0.1
        configure(&configuration)
        self.configuration = configuration
        let tokens = TokenRegistry(store: store)
        admin = try tokens.create(name: "root", role: .admin, subject: nil, actor: "test").secret
        reviewer = try tokens.create(name: "alice", role: .reviewer, subject: nil, actor: "test").secret
        device = try tokens.create(name: "edge box P-101", role: .device, subject: "P-101", actor: "test").secret
        try await start()
    }

    var pipeline: PipelineConfiguration {
        get throws {
            var pipeline = try PipelineConfiguration.load(Self.repository.appendingPathComponent("pipelines/default.yaml"))
            pipeline.routes.removeAll { withoutRoutes.contains($0.modality) }
            return pipeline
        }
    }

    /// The demo master data the default pipeline names.
    static func masterData() throws -> MasterData {
        let path = repository.appendingPathComponent("pipelines/default.yaml").path
        let options = try MasterDataOptions.parse(["--pipeline", path])
        return try options.loadMasterData(for: try options.loadConfiguration())
    }

    /// The server as `intake serve` builds it, on this fixture's store and folders.
    func makeServer() throws -> IntakeServer {
        let pipeline = try self.pipeline
        return IntakeServer(
            configuration: configuration, pipelineConfiguration: pipeline,
            stages: StageCatalog.registry(pipeline: pipeline.name, master: try Self.masterData()),
            queue: queue, eventSinks: eventsFile.map { [JSONLinesEventSink(name: "events-file", url: $0)] } ?? [],
            logger: Logger(label: "test.server"))
    }

    func start() async throws {
        await Self.slots.acquire()
        let server = try makeServer()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try server.makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(services: [application], logger: Logger(label: "test.server"))
        self.group = group
        // On threads of its own, as `intake serve` in its own process (see `ServerThreads`).
        task = Task(executorPreference: ServerThreads.shared) { try await group.run() }
        for await port in ports {
            self.port = port
            break
        }
    }

    /// Graceful shutdown: stops taking requests, lets the pipeline finish what it admitted.
    func stop() async throws {
        guard let running = group else { return }
        await running.triggerGracefulShutdown()
        let result = await Result(catching: { try await task?.value })
        group = nil
        task = nil
        await Self.slots.release()
        try result.get()
    }

    func restart() async throws {
        try await stop()
        try await start()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// At most four servers run at once in the test process. Every pipeline stage worker is a
    /// blocked Dispatch work item (about 20 per server with four routes), and libdispatch on
    /// Linux stops adding threads near 255: 18 servers started in parallel deadlocked there.
    static let slots = ServerSlots(4)

    // MARK: HTTP

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func request(
        _ method: String, _ path: String, token: String? = nil, body: Data? = nil,
        contentType: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, http) = try await BlockingHTTP.send(request)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func post(_ path: String, token: String?, json: Any) async throws -> Reply {
        try await request("POST", path, token: token, body: try JSONSerialization.data(withJSONObject: json), contentType: "application/json")
    }

    /// Waits until the order `id` is stored (the pipeline runs beside the HTTP answer).
    func waitForOrder(_ id: String, timeout: Double = 20) async throws -> OrderRecord {
        var record: OrderRecord?
        try await wait(timeout: timeout, for: "order \(id) to be stored") {
            record = try queue.record(id: id)
            return record != nil
        }
        return record!
    }

    /// Polls `condition` every 50 ms until it holds, for `timeout` seconds of polls. Counted in
    /// polls, not by the clock: while the voice suites decode synchronously on both of the test
    /// process's cooperative threads, this loop and the server's watch folder (also a task) both
    /// wait for a thread, and a clock deadline ran out in CI before the server had its turn.
    func wait(timeout: Double = 20, for description: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<Int(timeout / 0.05) {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        if try await condition() { return }
        throw TestServerError("timed out waiting for \(description) (\(timeout) s of polls)")
    }

    static func sample(_ path: String) throws -> Data {
        try Data(contentsOf: repository.appendingPathComponent(path))
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A counting semaphore for async tests.
actor ServerSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
