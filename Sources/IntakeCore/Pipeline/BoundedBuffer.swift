import Foundation

/// A blocking FIFO with a fixed capacity: the buffer between two stages.
///
/// `put` blocks while the buffer is full, which is how a slow stage back-pressures everything
/// upstream of it; `take` blocks while it is empty. After `close`, `put` refuses and `take`
/// drains what is left, then returns nil.
final class BoundedBuffer<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `items` and `closed` holds `condition`.
    private let condition = NSCondition()
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.items = Array(repeating: nil, count: self.capacity)
    }

    /// Appends `element`, waiting for room. Returns false (and drops nothing into the buffer) once closed.
    @discardableResult
    func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items[(head + count) % capacity] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Removes the oldest element, waiting for one; nil when closed and empty.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed { condition.wait() }
        guard count > 0 else { return nil }
        let element = items[head]
        items[head] = nil
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return element
    }

    /// Removes up to `limit` elements at once, waiting for the first; empty when closed and drained.
    func take(upTo limit: Int) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed { condition.wait() }
        var taken: [Element] = []
        taken.reserveCapacity(min(limit, count))
        while count > 0 && taken.count < limit {
            if let element = items[head] { taken.append(element) }
            items[head] = nil
            head = (head + 1) % capacity
            count -= 1
        }
        condition.broadcast()
        return taken
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }
}
