import Foundation
import Hummingbird
import IntakeCore
import IntakeReview
import Logging
import NIOCore
import ServiceLifecycle

/// `intake serve`: the HTTP front of a pipeline and its review queue.
///
/// ```
/// POST /v1/alerts|audio|documents|messages ─▶ spool (disk) ─▶ feed ─▶ pipeline ─▶ review queue
/// watch folders ────────────────────────────────────────────▶ feed        │
/// GET/POST /v1/orders…, /v1/sandboxes…, /v1/deadletters… ◀──────── store ◀┘
/// /, /review.js, /review.css (review page) · /healthz · /readyz · /metrics
/// ```
/// The server knows no modality: the composition root hands it a stage registry, and the
/// pipeline routes each input by its content.
public struct IntakeServer: Sendable {
    public let configuration: ServerConfiguration
    public let pipelineConfiguration: PipelineConfiguration
    public let stages: StageRegistry
    public let queue: ReviewQueue
    public let eventSinks: [any EventSink]
    public let logger: Logger

    public init(
        configuration: ServerConfiguration, pipelineConfiguration: PipelineConfiguration, stages: StageRegistry,
        queue: ReviewQueue, eventSinks: [any EventSink] = [], logger: Logger = Logger(label: "intake.server")
    ) {
        self.configuration = configuration
        self.pipelineConfiguration = pipelineConfiguration
        self.stages = stages
        self.queue = queue
        self.eventSinks = eventSinks
        self.logger = logger
    }

    /// The first pause before the pipeline tries a failed store write again (then doubled, up to
    /// a minute): a full disk or a store restart pauses intake, and `/readyz` says why.
    static let storeRetry: Duration = .seconds(1)

    /// Sends everything swift-metrics records (stage latencies, queue depths, outbox deliveries,
    /// HTTP requests) to `/metrics`. Call once per process, before `run`.
    public static func bootstrapMetrics() {
        ServerMetrics.bootstrap()
    }

    /// Serves until SIGINT or SIGTERM, then stops taking requests and drains the pipeline.
    /// `onRunning` gets the bound port (useful with port 0).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = try makeApplication(onRunning: onRunning)
        let group = ServiceGroup(
            services: [application], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
            logger: logger)
        do {
            try await group.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            let why = switch error.errnoCode {
            case EADDRINUSE: "the port is in use (another intake serve?)"
            case EADDRNOTAVAIL: "the address is not one of this machine's"
            default: "ports below 1024 need root"
            }
            throw ServerError(reason: "cannot listen on \(configuration.host):\(configuration.port): \(why); choose another --host or --port (server.host, server.port in the pipeline file)")
        }
    }

    /// The Hummingbird application with its services (pipeline, watch folders, outbox relay),
    /// for running inside a caller's own service group (tests).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let parts = try assemble()
        let logger = logger
        let configuration = configuration
        return Application(
            router: parts.router,
            // A connection silent for request_timeout (a stalled upload, say) is closed.
            server: .http1(configuration: .init(
                additionalChannelHandlers: [LargeReads()],
                idleTimeout: .milliseconds(Int64(configuration.requestTimeout * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "intake"),
            services: parts.services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("serving on http://\(configuration.host):\(port) (data \(configuration.dataFolder.path))")
                await onRunning(port)
            },
            logger: Logger(label: "intake.http"))
    }

    /// The router and the services that run beside it.
    struct Parts {
        let router: Router<IntakeRequestContext>
        let services: [any Service]
        let receiver: InputReceiver
    }

    func assemble() throws -> Parts {
        let logger = logger
        let feed = InputFeed()
        let completions = Completions()
        let pipeline = try stages.makePipeline(
            pipelineConfiguration, sink: ReviewQueueSink(queue: queue, next: CompletionSink(completions)),
            deadLetters: queue, lookup: queue, sinkRetry: Self.storeRetry, logger: Logger(label: "intake.pipeline"))
        let pipelineService = PipelineService(pipeline: pipeline, feed: feed, logger: logger)
        let lock = try DataFolderLock(folder: configuration.dataFolder)
        let spool = try Spool(dataFolder: configuration.dataFolder, keepInputs: configuration.keepInputs)
        let receiver = InputReceiver(
            spool: spool, feed: feed, completions: completions, queue: queue, pipelineName: pipelineConfiguration.name, logger: logger)
        receiver.replayPending()
        let watchers = try configuration.watchFolders.map {
            try WatchFolder(folder: $0, interval: configuration.watchInterval, pipelineName: pipelineConfiguration.name,
                            feed: feed, completions: completions, logger: logger)
        }
        let metrics = ServerMetrics(queue: queue, eventSinks: eventSinks.map(\.name), feed: feed, completions: completions)

        let router = Router(context: IntakeRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorAnswers())
        OperationsRoutes(queue: queue, pipeline: pipelineService, metrics: metrics).add(to: router)
        try WebRoutes().add(to: router)
        let api = router.group("v1").add(middleware: TokenAuthenticator(
            tokens: TokenRegistry(store: queue.store),
            limiter: RateLimiter(perSecond: configuration.ratePerSecond, burst: configuration.rateBurst)))
        api.get("me") { _, context in try JSONBody.response(try context.caller()) }
        IntakeRoutes(
            receiver: receiver, endpoints: IntakeRoutes.endpoints(limits: configuration.limits),
            routed: Set(pipelineConfiguration.routes.map(\.modality)), uploadTimeout: configuration.uploadTimeout
        ).add(to: api)
        OrderRoutes(queue: queue, receiver: receiver, jsonLimit: configuration.limits.json).add(to: api)
        SandboxRoutes(queue: queue, jsonLimit: configuration.limits.json).add(to: api)
        DeadLetterRoutes(queue: queue, receiver: receiver).add(to: api)

        // A graceful shutdown stops services last to first (after the HTTP server): watch folders,
        // then the pipeline drains, the outbox relay delivers what the drain stored, and the data
        // folder's lock, first here, is let go.
        var services: [any Service] = [lock]
        if !eventSinks.isEmpty { services.append(OutboxService(relay: OutboxRelay(
            store: queue.store, sinks: eventSinks, retention: pipelineConfiguration.outboxRetention))) }
        services.append(pipelineService)
        services += watchers as [any Service]
        if let kept = spool.kept {
            services.append(InputRetention(
                folder: kept, limits: configuration.inputRetention,
                awaitsReview: { [queue] id in (try? queue.record(id: id))?.status == .pendingReview }, logger: logger))
        }
        return Parts(router: router, services: services, receiver: receiver)
    }
}

/// Delivers outbox events while the server runs, every second, and once more when it is told
/// to stop: it stops after the pipeline, so the events of the orders the drain stored go out
/// now rather than at the next start.
struct OutboxService: Service {
    let relay: OutboxRelay

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            pass()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
        if !Task.isCancelled { pass() }
    }

    private func pass() {
        do { try relay.deliverDue() } catch { Logger(label: "intake.outbox").error("outbox relay pass failed: \(error.intakeMessage)") }
    }
}
