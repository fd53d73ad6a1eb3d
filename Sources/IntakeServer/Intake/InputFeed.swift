import Foundation
import IntakeCore

/// The pipeline's input for a long-running server: a queue that HTTP handlers and the watch
/// folder append to without waiting, and that the pipeline reads from one thread, blocking
/// while it is empty, until `close()`.
///
/// It holds no bytes: each input's bytes are on disk (the spool or a watched folder) and are
/// read when the pipeline admits it, so a backlog costs memory for paths only. Back-pressure
/// between stages stays the pipeline's bounded buffers.
final class InputFeed: Sequence, @unchecked Sendable {
    // @unchecked: `pending` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var pending: [PipelineInput] = []
    private var head = 0
    private var closed = false

    /// Queues `input`; false once the feed is closed (the server is shutting down).
    @discardableResult
    func append(_ input: PipelineInput) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        pending.append(input)
        condition.signal()
        return true
    }

    /// Inputs queued and not yet taken by the pipeline.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count - head
    }

    /// Ends the sequence once the queued inputs are taken.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> PipelineInput? {
        condition.lock()
        defer { condition.unlock() }
        while head == pending.count && !closed { condition.wait() }
        guard head < pending.count else { return nil }
        let input = pending[head]
        head += 1
        if head > 1024 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
        return input
    }

    struct Iterator: IteratorProtocol {
        let feed: InputFeed
        mutating func next() -> PipelineInput? { feed.next() }
    }

    func makeIterator() -> Iterator { Iterator(feed: self) }
}
