import Dispatch
import Foundation
import Logging
import Metrics
import Synchronization

/// A running graph of stages: inputs are read, routed by content to their modality's route,
/// passed stage to stage through bounded buffers, and written by one sink thread.
///
/// ```
/// inputs ─▶ read + sniff ─▶ [route text:  decode ─▶ align ─▶ record] ─┐
///                       └─▶ [route voice: …                     ] ─┴▶ sink
/// ```
/// Every input yields its records (one, or one per order it holds) together: a failure anywhere
/// becomes a dead letter (kept with the original bytes) and one `failed` record. An input whose order already exists (`lookup`)
/// is not processed again: its stored record goes straight to the sink. `stop()` stops
/// admitting inputs, lets the ones in flight finish, and reports the rest as `notStarted`.
///
/// A sink that fails (a full disk, a store that is down) stops the run, unless `sinkRetry` is
/// set: then the same batch is tried again after a pause, doubled up to a minute, until it is
/// written or the pipeline is stopped. A server sets it, so a full disk pauses intake (its
/// inputs wait on disk, back-pressure holds the rest) instead of ending the service.
public final class Pipeline: @unchecked Sendable {
    // @unchecked: mutable state is in `state` (a Mutex); runners are built in init and then only read.
    public let name: String
    private let routes: [Route]
    private let sink: any OrderSink
    private let deadLetters: any DeadLetterStore
    private let lookup: (any OrderLookup)?
    private let sinkRetry: Duration?
    /// Signalled by `stop()`, so a sink waiting to try again gives up at once.
    private let stopWake = DispatchSemaphore(value: 0)
    private let logger: Logger
    /// One entry per input: the records it made, written in the same batch.
    private let sinkBuffer: BoundedBuffer<[OrderRecord]>
    private var runners: [[StageRunner]] = []
    private let done = DispatchSemaphore(value: 0)
    private let recordsCounter = Mutex<[OrderStatus: Counter]>([:])
    private let deadLetterCounter = Counter(label: PipelineMetrics.deadLetters)

    private struct State {
        var stopRequested = false
        var started = false
        var inFlight = 0
        var summary = PipelineSummary()
        var routesOpen = 0
        var stopHandlers: [@Sendable () -> Void] = []
        var sinkTrouble: String?
    }
    private let state = Mutex(State())

    /// Builds the pipeline; fails if a route's stages do not chain from `Data` to `InputOrders`.
    public init(
        name: String, routes: [Route], sink: any OrderSink, deadLetters: any DeadLetterStore,
        lookup: (any OrderLookup)? = nil, sinkBuffer: Int = 64, sinkRetry: Duration? = nil,
        logger: Logger = Logger(label: "intake.pipeline")
    ) throws {
        self.name = name
        self.routes = routes
        self.sink = sink
        self.deadLetters = deadLetters
        self.lookup = lookup
        self.sinkRetry = sinkRetry
        self.logger = logger
        self.sinkBuffer = BoundedBuffer(capacity: sinkBuffer)
        for route in routes { try Self.checkTypes(of: route) }
        state.withLock { $0.routesOpen = routes.count }
        runners = routes.map(makeRunners(for:))
    }

    /// The most items the pipeline can hold at once, however many inputs are queued: every
    /// stage's buffer and workers, the sink's buffer, the batch being written, and the one being read.
    public var capacity: Int {
        runners.joined().map(\.capacity).reduce(0, +) + sinkBuffer.capacity + min(Self.sinkBatch, sinkBuffer.capacity) + 1
    }

    /// Processes `inputs` (read lazily, one at a time) and returns when every admitted input has
    /// a record. Blocks the calling thread, which is the one that reads inputs.
    public func run<Inputs: Sequence<PipelineInput>>(_ inputs: Inputs) -> PipelineSummary {
        let started = DispatchTime.now()
        state.withLock { $0.started = true }
        runners.joined().forEach { $0.start() }
        DispatchQueue(label: "intake.sink").async { self.drainSink() }

        var iterator = inputs.makeIterator()
        while !state.withLock({ $0.stopRequested }), let input = iterator.next() {
            admit(input)
        }
        var notStarted: [String] = []
        while let input = iterator.next() { notStarted.append(input.uri) }
        for routeRunners in runners { routeRunners.first?.buffer.close() }
        if runners.isEmpty { sinkBuffer.close() }
        done.wait()

        return state.withLock { state in
            state.summary.notStarted = notStarted
            state.summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            return state.summary
        }
    }

    /// Stops admitting inputs; items in flight finish and are written. Safe from any thread.
    public func stop() {
        let handlers = state.withLock { state in
            defer {
                state.stopRequested = true
                state.stopHandlers = []
            }
            return state.stopRequested ? nil : state.stopHandlers
        }
        guard let handlers else { return }
        stopWake.signal()
        logger.notice("stop requested: finishing items in flight, admitting no more")
        for handler in handlers { handler() }
    }

    /// Why the sink is failing while it is being tried again (`sinkRetry`); nil when it works.
    public var sinkTrouble: String? { state.withLock { $0.sinkTrouble } }

    /// Runs `handler` once when the pipeline stops, whoever asks (a signal, a failing sink): an
    /// endless input source uses it to end its sequence.
    public func onStop(_ handler: @escaping @Sendable () -> Void) {
        let stopped = state.withLock { state in
            if !state.stopRequested { state.stopHandlers.append(handler) }
            return state.stopRequested
        }
        if stopped { handler() }
    }

    // MARK: - Admission

    private func admit(_ input: PipelineInput) {
        state.withLock { state in
            state.inFlight += 1
            state.summary.admitted += 1
            state.summary.peakInFlight = max(state.summary.peakInFlight, state.inFlight)
        }
        let received: ReceivedInput
        do {
            let bytes = try input.load()
            received = ReceivedInput(
                uri: input.uri, sender: input.sender, bytes: bytes, sha256: try input.identity(of: bytes), companions: input.companions)
        } catch {
            // No bytes to keep: identify the dead letter by where the input was.
            let placeholder = ReceivedInput(uri: input.uri, sender: input.sender, bytes: Data(), companions: input.companions)
            let orderID = input.orderID ?? ContentHash.orderID(
                sha256: ContentHash.sha256(Data(input.uri.utf8)), pipeline: name, sender: input.sender)
            let known = error as? any IntakeError
            fail(PipelineItem(input: placeholder, orderID: orderID, payload: placeholder.bytes), stage: "read", error: InputFailure(
                code: known?.code ?? "unreadable_input",
                message: "could not read \(input.uri): \(known?.description ?? error.localizedDescription)"))
            return
        }
        let orderID = input.orderID ?? ContentHash.orderID(idempotencyKey: input.idempotencyKey
            ?? ContentHash.idempotencyKey(sha256: received.sha256, pipeline: name, sender: received.sender))
        if let lookup {
            do {
                if let finished = try lookup.finishedRecord(id: orderID) {
                    // An input that held several orders stored the others under derived ids.
                    var records = [finished]
                    while let next = try lookup.finishedRecord(id: InputOrders.orderID(orderID, part: records.count)) { records.append(next) }
                    state.withLock { $0.summary.alreadyDone += 1 }
                    sinkBuffer.put(records)
                    return
                }
            } catch {
                logger.warning("could not look up order; processing it again", metadata: ["order": "\(orderID)", "error": "\(error.intakeMessage)"])
            }
        }
        guard let index = routes.firstIndex(where: { $0.sniffer.accepts(received.bytes) }) else {
            let known = routes.map(\.modality.rawValue).joined(separator: ", ")
            fail(PipelineItem(input: received, orderID: orderID, payload: received.bytes), stage: "sniff", error: InputFailure(
                code: "unsupported_input",
                message: "content matches no route of pipeline \(name) (routes: \(known.isEmpty ? "none" : known)); check the file type"))
            return
        }
        var routed = received
        routed.modality = routes[index].modality
        let item = PipelineItem(input: routed, orderID: orderID, payload: routed.bytes)
        if let first = runners[index].first {
            first.buffer.put(item)
        }
    }

    // MARK: - Wiring

    private static func checkTypes(of route: Route) throws {
        var expected = "Data"
        var accepts: (AnyStage) -> Bool = { $0.accepts(Data.self) }
        for (stage, _) in route.stages {
            guard accepts(stage) else {
                throw PipelineError.stagesDoNotChain(
                    route: route.modality.rawValue, stage: stage.name, expects: stage.inputType, receives: expected)
            }
            expected = stage.outputType
            accepts = { [previous = stage] in $0.inputTypeID == previous.outputTypeID }
        }
        guard let last = route.stages.last, last.stage.produces(InputOrders.self) else {
            throw PipelineError.routeDoesNotEndInRecord(route: route.modality.rawValue, produces: expected)
        }
    }

    private func makeRunners(for route: Route) -> [StageRunner] {
        var built: [StageRunner] = []
        // Build back to front so each runner knows the buffer it feeds.
        for (stage, settings) in route.stages.reversed() {
            let downstream = built.first
            let runner = StageRunner(
                stage: stage, settings: settings, route: route.modality, logger: logger,
                next: { [sinkBuffer] item in
                    if let downstream {
                        downstream.buffer.put(item)
                    } else if let orders = item.payload as? InputOrders {
                        sinkBuffer.put(orders.records)
                    }
                },
                fail: { [weak self] item, stage, error in self?.fail(item, stage: stage, error: error) },
                finished: { [weak self] in
                    if let downstream { downstream.buffer.close() } else { self?.routeFinished() }
                })
            built.insert(runner, at: 0)
        }
        return built
    }

    private func routeFinished() {
        let last = state.withLock { state in
            state.routesOpen -= 1
            return state.routesOpen == 0
        }
        if last { sinkBuffer.close() }
    }

    // MARK: - Failures and the sink

    private func fail(_ item: PipelineItem, stage: String, error: any Error) {
        let letter = DeadLetter(
            orderID: item.orderID, stage: stage, code: error.intakeCode, reason: error.intakeMessage, input: item.input)
        do {
            try deadLetters.store(letter)
            deadLetterCounter.increment()
        } catch {
            logger.error("could not keep dead letter", metadata: ["order": "\(item.orderID)", "error": "\(error.intakeMessage)"])
        }
        logger.info(
            "input failed",
            metadata: ["order": "\(item.orderID)", "uri": "\(item.input.uri)", "stage": "\(stage)", "code": "\(letter.code)"])
        sinkBuffer.put([OrderRecord(
            id: item.orderID, status: .failed, source: item.input.source, pipeline: name, intent: .none,
            error: OrderError(code: letter.code, message: letter.reason, stage: stage))])
    }

    /// Hands the sink whatever records are waiting, those of up to `sinkBatch` inputs at a time, so
    /// a store can commit many orders per transaction. After a sink failure records are counted,
    /// not written.
    private func drainSink() {
        while case let entries = sinkBuffer.take(upTo: Self.sinkBatch), !entries.isEmpty {
            let batch = Array(entries.joined())
            var failing = state.withLock { $0.summary.sinkError != nil }
            if !failing {
                failing = !write(batch)
            }
            state.withLock { state in
                state.inFlight -= entries.count
                if failing {
                    state.summary.unwritten += batch.count
                } else {
                    for record in batch { state.summary.records[record.status.rawValue, default: 0] += 1 }
                }
            }
        }
        do {
            try sink.finish()
        } catch {
            state.withLock { $0.summary.sinkError = $0.summary.sinkError ?? "\(error.intakeMessage)" }
        }
        done.signal()
    }

    /// Writes one batch, trying again while `sinkRetry` allows; false when the run must stop.
    private func write(_ batch: [OrderRecord]) -> Bool {
        var pause = sinkRetry
        while true {
            do {
                try sink.write(batch: batch)
                for record in batch { counter(for: record.status).increment() }
                if state.withLock({ $0.sinkTrouble.take() }) != nil { logger.notice("output works again") }
                return true
            } catch {
                if let wait = pause, !state.withLock({ $0.stopRequested }) {
                    logger.error("output failed; trying again in \(wait)", metadata: ["error": "\(error.intakeMessage)"])
                    state.withLock { $0.sinkTrouble = error.intakeMessage }
                    _ = stopWake.wait(timeout: .now() + .nanoseconds(Int(wait / .nanoseconds(1))))
                    pause = min(wait * 2, .seconds(60))
                    continue
                }
                logger.critical("output failed; stopping", metadata: ["error": "\(error.intakeMessage)"])
                state.withLock { $0.summary.sinkError = "\(error.intakeMessage)" }
                stop()
                return false
            }
        }
    }

    /// The most inputs whose records are written in one sink call (one store transaction).
    static let sinkBatch = 256

    private func counter(for status: OrderStatus) -> Counter {
        recordsCounter.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = Counter(label: PipelineMetrics.records, dimensions: [("status", status.rawValue)])
            counters[status] = counter
            return counter
        }
    }
}

/// A pipeline that cannot be built as configured.
public enum PipelineError: IntakeError, Equatable {
    case stagesDoNotChain(route: String, stage: String, expects: String, receives: String)
    case routeDoesNotEndInRecord(route: String, produces: String)

    public var code: String { "pipeline_invalid" }

    public var description: String {
        switch self {
        case let .stagesDoNotChain(route, stage, expects, receives):
            "route \(route): stage \(stage) expects \(expects) but the stage before it produces \(receives); reorder the stages"
        case let .routeDoesNotEndInRecord(route, produces):
            "route \(route) ends with \(produces), not InputOrders; end it with the `record` stage"
        }
    }
}
