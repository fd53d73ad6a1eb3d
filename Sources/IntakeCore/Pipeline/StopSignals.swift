import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a graceful stop: the first signal calls `onStop` (the pipeline
/// stops admitting and finishes what is in flight), a second one exits at once with 130.
public final class StopSignals: @unchecked Sendable {
    // @unchecked: `sources` is set once in init and only cancelled in deinit.
    private let sources: [any DispatchSourceSignal]

    public init(onStop: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "intake.signals")
        let count = SignalCount()
        // A parent may start us with these signals blocked (a test runner does), and blocked
        // signals are never delivered: unblock them on this thread so a stop request arrives.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if count.increment() > 1 {
                    FileHandle.standardError.write(Data("intake: second signal, exiting now\n".utf8))
                    exit(130)
                }
                onStop()
            }
            source.resume()
            return source
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }

    private final class SignalCount: @unchecked Sendable {
        // @unchecked: only touched on the serial signal queue.
        private var value = 0
        func increment() -> Int {
            value += 1
            return value
        }
    }
}
