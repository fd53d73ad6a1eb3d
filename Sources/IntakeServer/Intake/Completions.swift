import IntakeCore
import Synchronization

/// What to do when an input's order is stored, by order id: the spool moves the upload to
/// `inputs/`, the watch folder moves the file to `done/` or `failed/`.
///
/// Handlers for one id run first-registered, first-called, one per stored record: the pipeline
/// writes exactly one record under each input's id, so two identical files each get their own
/// call. (A scanned stack's other orders have ids of their own, which no handler waits for.)
final class Completions: Sendable {
    typealias Handler = @Sendable (OrderRecord) -> Void
    private let handlers = Mutex<[String: [Handler]]>([:])

    func register(_ id: String, _ handler: @escaping Handler) {
        handlers.withLock { $0[id, default: []].append(handler) }
    }

    /// Inputs queued or in the pipeline whose record is not stored yet.
    var waiting: Int {
        handlers.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }

    func stored(_ record: OrderRecord) {
        let handler: Handler? = handlers.withLock { handlers in
            guard var list = handlers[record.id], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            handlers[record.id] = list.isEmpty ? nil : list
            return first
        }
        handler?(record)
    }
}

/// The last sink of the server's pipeline: after the review queue has stored a batch, runs the
/// completion of each record's input.
final class CompletionSink: OrderSink {
    private let completions: Completions

    init(_ completions: Completions) {
        self.completions = completions
    }

    func write(_ record: OrderRecord) throws {
        completions.stored(record)
    }
}
