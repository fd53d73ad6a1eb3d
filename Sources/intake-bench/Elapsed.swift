import Dispatch

/// Seconds from `start` to now, on the monotonic clock every benchmark times with.
func elapsedSeconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
