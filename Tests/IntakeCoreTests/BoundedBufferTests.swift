import Dispatch
import Foundation
@testable import IntakeCore
import Synchronization
import Testing

/// Threads of their own, not Dispatch's pool: the workers block in the buffer, and a pool the
/// size of the cores could give every thread to producers waiting for room.
@Suite("Bounded buffer between stages") struct BoundedBufferTests {
    /// Runs `body` on a new thread; `group` is left when it returns.
    private func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    @Test func itemsComeOutInTheOrderTheyWentIn() {
        let buffer = BoundedBuffer<Int>(capacity: 3)
        for value in 1...3 { #expect(buffer.put(value)) }
        #expect(buffer.take() == 1)
        #expect(buffer.put(4))
        #expect(buffer.take(upTo: 10) == [2, 3, 4])
        #expect(buffer.depth == 0)
    }

    @Test func aPutIntoAFullBufferWaitsForATake() {
        let buffer = BoundedBuffer<Int>(capacity: 1)
        buffer.put(1)
        let putDone = DispatchSemaphore(value: 0)
        spawn(DispatchGroup()) {
            buffer.put(2)
            putDone.signal()
        }
        #expect(putDone.wait(timeout: .now() + 0.2) == .timedOut, "put returned while the buffer was full")
        #expect(buffer.take() == 1)
        #expect(putDone.wait(timeout: .now() + 5) == .success, "put still waits after a take made room")
        #expect(buffer.take() == 2)
    }

    @Test func aTakeFromAnEmptyBufferWaitsForAPut() {
        let buffer = BoundedBuffer<Int>(capacity: 2)
        let taken = Mutex<Int?>(nil)
        let takeDone = DispatchSemaphore(value: 0)
        spawn(DispatchGroup()) {
            let value = buffer.take()
            taken.withLock { $0 = value }
            takeDone.signal()
        }
        #expect(takeDone.wait(timeout: .now() + 0.2) == .timedOut, "take returned from an empty buffer")
        buffer.put(7)
        #expect(takeDone.wait(timeout: .now() + 5) == .success)
        #expect(taken.withLock { $0 } == 7)
    }

    @Test func closingDrainsWhatIsLeftThenWakesEveryWaitingTaker() {
        let buffer = BoundedBuffer<Int>(capacity: 4)
        buffer.put(1)
        buffer.close()
        #expect(!buffer.put(2), "a closed buffer took an item")
        #expect(buffer.take() == 1)
        #expect(buffer.take() == nil)

        let empty = BoundedBuffer<Int>(capacity: 4)
        let woken = DispatchGroup()
        for _ in 0..<3 {
            spawn(woken) { _ = empty.take() }
        }
        Thread.sleep(forTimeInterval: 0.1)
        empty.close()
        #expect(woken.wait(timeout: .now() + 5) == .success, "a taker still waits on a closed buffer")
    }

    @Test func manyProducersAndConsumersPassEveryItemExactlyOnce() {
        // Four producers and four consumers through two places: every hand-over waits on the
        // other side, so a wake-up that went to the wrong kind of thread would hang here.
        let buffer = BoundedBuffer<Int>(capacity: 2)
        let perProducer = 5_000
        let seen = Mutex([Int]())
        let producers = DispatchGroup(), consumers = DispatchGroup()
        for producer in 0..<4 {
            spawn(producers) {
                for i in 0..<perProducer { buffer.put(producer * perProducer + i) }
            }
        }
        for consumer in 0..<4 {
            spawn(consumers) {
                var mine: [Int] = []
                if consumer == 0 {
                    while case let batch = buffer.take(upTo: 3), !batch.isEmpty { mine += batch }
                } else {
                    while let value = buffer.take() { mine.append(value) }
                }
                seen.withLock { $0 += mine }
            }
        }
        #expect(producers.wait(timeout: .now() + 60) == .success, "producers stalled")
        buffer.close()
        #expect(consumers.wait(timeout: .now() + 60) == .success, "consumers stalled")
        let values = seen.withLock { $0 }.sorted()
        #expect(values == Array(0..<(4 * perProducer)))
    }
}
