import Foundation

/// Debian's libtesseract runs its LSTM through libgomp with explicit thread counts, so only
/// `OMP_THREAD_LIMIT` caps it, and libgomp reads that variable once, when it is loaded: before
/// `main`. Measured here, a page took 3.7 s without the limit (threads spinning against each
/// other and the other worker) and 1.2 s with it, in a debug build.
public enum OpenMPThreadLimit {
    /// Runs the program again with `OMP_THREAD_LIMIT=1` when the variable is unset, so each
    /// Tesseract worker uses only its own thread. Call at the start of a command, before any
    /// work; returns (doing nothing) when the limit is already set or re-running fails.
    public static func applyByRestarting() {
        guard getenv("OMP_THREAD_LIMIT") == nil else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
