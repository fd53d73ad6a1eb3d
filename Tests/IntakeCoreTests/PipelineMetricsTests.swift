import Foundation
import IntakeCore
import Metrics
import MetricsTestKit
import Testing

/// swift-metrics can be bootstrapped once per process; every test here shares this factory and
/// uses its own stage names.
let testMetrics: TestMetrics = {
    let metrics = TestMetrics()
    MetricsSystem.bootstrap(metrics)
    return metrics
}()

@Suite struct PipelineMetricsTests {
    @Test func eachStageReportsItemsErrorsLatencyAndQueueDepth() throws {
        let metrics = testMetrics
        let stage = AnyStage(ClosureStage<Data, OrderDraft> { bytes, _ in
            if bytes.last == UInt8(ascii: "3") { throw InputFailure(code: "three", message: "no threes") }
            return OrderDraft(intent: OrderIntent(type: .delivery))
        }, name: "metered")
        let pipeline = try Pipeline(name: "test", routes: [textRoute([stage])], sink: CollectingSink(), deadLetters: MemoryDeadLetters())
        _ = pipeline.run(inputs(10))

        let dimensions = [("route", "text"), ("stage", "metered")]
        #expect(try metrics.expectCounter(PipelineMetrics.itemsIn, dimensions).totalValue == 10)
        #expect(try metrics.expectCounter(PipelineMetrics.itemsOut, dimensions).totalValue == 9)
        #expect(try metrics.expectCounter(PipelineMetrics.errors, dimensions + [("code", "error")]).totalValue == 1)
        #expect(try metrics.expectTimer(PipelineMetrics.latency, dimensions).values.count == 10)
        #expect(try metrics.expectGauge(PipelineMetrics.queueDepth, dimensions).values.count == 10)
    }
}
