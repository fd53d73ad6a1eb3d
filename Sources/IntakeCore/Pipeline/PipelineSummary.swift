import Foundation

/// What a pipeline run did: one record per admitted input, by status.
public struct PipelineSummary: Sendable, Codable, Equatable {
    /// Inputs read and sent into the pipeline.
    public var admitted = 0
    /// Records the sink accepted, by status raw value.
    public var records: [String: Int] = [:]
    /// Inputs whose order already existed (a re-run): their stored record was written again.
    public var alreadyDone = 0
    /// Inputs left untouched because the run was stopped; they can be submitted again.
    public var notStarted: [String] = []
    /// The most inputs held between admission and the sink at one time.
    public var peakInFlight = 0
    public var seconds = 0.0
    /// Why the run stopped early, if the sink failed (disk full, closed pipe).
    public var sinkError: String?
    /// Records made but not written because the sink had failed; their inputs can be submitted again.
    public var unwritten = 0

    public var written: Int { records.values.reduce(0, +) }
    public var failed: Int { records[OrderStatus.failed.rawValue] ?? 0 }
    public var stopped: Bool { !notStarted.isEmpty }
    /// Records by status for people: "1 no_action, 15 pending_review" (empty when none).
    public var statusList: String {
        records.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey {
        case admitted, records, seconds
        case notStarted = "not_started"
        case alreadyDone = "already_done"
        case peakInFlight = "peak_in_flight"
        case sinkError = "sink_error"
        case unwritten
    }
}
