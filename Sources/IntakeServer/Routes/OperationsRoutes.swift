import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// `/healthz` (the process answers), `/readyz` (store reachable, pipeline running) and
/// `/metrics` (Prometheus text). No token needed: they reveal counts, not orders.
struct OperationsRoutes {
    let queue: ReviewQueue
    let pipeline: PipelineService
    let metrics: ServerMetrics

    struct Readiness: Encodable {
        var ready: Bool
        var store: String
        var pipeline: String
    }

    func add(to router: Router<IntakeRequestContext>) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ in
            var readiness = Readiness(ready: true, store: "ok", pipeline: "running")
            do {
                try queue.store.checkReadable()
            } catch {
                readiness.ready = false
                readiness.store = "\(error.intakeMessage)"
            }
            if !pipeline.isRunning {
                readiness.ready = false
                readiness.pipeline = "not running"
            } else if let trouble = pipeline.pipeline.sinkTrouble {
                readiness.ready = false
                readiness.pipeline = "paused: cannot store orders (\(trouble)); trying again"
            }
            return try JSONBody.response(readiness, status: readiness.ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            let text = try metrics.scrape()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
