/// Names of the metrics the pipeline reports through swift-metrics. Every stage metric has the
/// dimensions `route` (modality) and `stage`.
public enum PipelineMetrics {
    /// Counter: items a stage took from its buffer.
    public static let itemsIn = "intake_stage_items_in_total"
    /// Counter: items a stage passed on.
    public static let itemsOut = "intake_stage_items_out_total"
    /// Counter: items that failed or timed out in a stage (dimension `code` too).
    public static let errors = "intake_stage_errors_total"
    /// Timer: time spent in a stage's `process`.
    public static let latency = "intake_stage_latency_seconds"
    /// Gauge: items waiting in front of a stage.
    public static let queueDepth = "intake_stage_queue_depth"
    /// Counter: records written by the sink (dimension `status`).
    public static let records = "intake_records_total"
    /// Counter: inputs kept as dead letters.
    public static let deadLetters = "intake_dead_letters_total"
}
