import Foundation

/// A blocking FIFO with a fixed capacity: the buffer between two stages.
///
/// `put` blocks while the buffer is full, which is how a slow stage back-pressures everything
/// upstream of it; `take` blocks while it is empty. After `close`, `put` refuses and `take`
/// drains what is left, then returns nil.
///
/// Takers and putters wait on conditions of their own, and a change wakes one thread of the
/// kind that can use it, only when one waits: with one condition broadcast on every change, an
/// item put woke every idle worker of the stage and the producers too, and all but one went
/// back to sleep after fighting for the lock.
final class BoundedBuffer<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every access to the stored state holds `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var waitingTakers = 0
    private var waitingPutters = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.items = Array(repeating: nil, count: self.capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Appends `element`, waiting for room. Returns false (and drops nothing into the buffer) once closed.
    ///
    /// The woken taker is signalled after the lock is released, so it does not wake only to
    /// wait for the lock; it was counted under the lock, so it is already waiting.
    @discardableResult
    func put(_ element: Element) -> Bool {
        pthread_mutex_lock(mutex)
        while count == capacity && !closed {
            waitingPutters += 1
            pthread_cond_wait(notFull, mutex)
            waitingPutters -= 1
        }
        guard !closed else {
            pthread_mutex_unlock(mutex)
            return false
        }
        items[(head + count) % capacity] = element
        count += 1
        let wake = waitingTakers > 0
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(notEmpty) }
        return true
    }

    /// Removes the oldest element, waiting for one; nil when closed and empty.
    func take() -> Element? {
        pthread_mutex_lock(mutex)
        waitForItems()
        guard count > 0 else {
            pthread_mutex_unlock(mutex)
            return nil
        }
        let element = removeFirst()
        let wake = waitingPutters > 0
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(notFull) }
        return element
    }

    /// Removes up to `limit` elements at once, waiting for the first; empty when closed and drained.
    func take(upTo limit: Int) -> [Element] {
        pthread_mutex_lock(mutex)
        waitForItems()
        var taken: [Element] = []
        taken.reserveCapacity(min(limit, count))
        while count > 0 && taken.count < limit {
            if let element = removeFirst() { taken.append(element) }
        }
        // Several places freed: every waiting putter may have one.
        let wake = waitingPutters > 0 && !taken.isEmpty
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_broadcast(notFull) }
        return taken
    }

    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
        pthread_mutex_unlock(mutex)
    }

    var depth: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return count
    }

    /// With `mutex` held: returns once there is an item or the buffer is closed.
    private func waitForItems() {
        while count == 0 && !closed {
            waitingTakers += 1
            pthread_cond_wait(notEmpty, mutex)
            waitingTakers -= 1
        }
    }

    /// With `mutex` held and `count > 0`.
    private func removeFirst() -> Element? {
        let element = items[head]
        items[head] = nil
        head = (head + 1) % capacity
        count -= 1
        return element
    }
}
