import Foundation
import IntakeCore
import Testing
@testable import IntakeReview

@Suite("Sandbox promotion, demotion and audit sampling")
struct SandboxPromotionTests {
    static let small = ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 3, auditRate: 0, minConfidence: 0.9))

    /// Submits `count` records starting at `first` and approves each.
    static func approve(_ queue: ReviewQueue, from first: Int, count: Int) throws {
        for n in first..<(first + count) {
            let stored = try queue.submit([makeRecord(n)])[0].record
            try queue.approve(stored.id, actor: "alice")
        }
    }

    @Test("A new sandbox starts in review mode and every order waits for review", arguments: StoreKind.available)
    func newSandboxReviews(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(Self.small)
        let stored = try queue.submit([makeRecord(1, confidence: 1), makeRecord(2, sender: "Courier App")])
        #expect(stored.map(\.record.status) == [.pendingReview, .pendingReview])
        #expect(Set(try queue.sandboxes().map(\.id)) == ["text/default", "text/courier-app"])
        #expect(try queue.sandboxes().allSatisfy { $0.mode == .review })
    }

    @Test("After N approvals in a row without correction the sandbox is promoted, and confident orders are auto-approved", arguments: StoreKind.available)
    func promotionAfterCleanStreak(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(Self.small)
        try Self.approve(queue, from: 0, count: 2)
        #expect(try queue.sandbox(id: "text/default").mode == .review)
        try Self.approve(queue, from: 2, count: 1)
        let sandbox = try queue.sandbox(id: "text/default")
        #expect(sandbox.mode == .auto)
        #expect(sandbox.streak == 3)
        let promotion = try #require(try queue.history(of: "text/default").last)
        #expect(promotion.action == "sandbox.promoted")
        #expect(promotion.actor == "system")
        #expect(promotion.reason.contains("3 orders in a row"))

        let next = try queue.submit([makeRecord(10, confidence: 0.95), makeRecord(11, confidence: 0.5)]).map(\.record.status)
        #expect(next == [.autoApproved, .pendingReview], "below min_confidence still goes to review")
    }

    @Test("A correction breaks the streak: promotion needs N clean approvals after it", arguments: StoreKind.available)
    func correctionResetsStreak(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(Self.small)
        try Self.approve(queue, from: 0, count: 2)
        let corrected = try queue.submit([makeRecord(2)])[0].record
        try queue.correct(corrected.id, actor: "alice") { try IntentCorrection(intent: $0, assignments: ["lines[0].quantity=4"]) }
        var sandbox = try queue.sandbox(id: "text/default")
        #expect(sandbox.streak == 0)
        #expect(sandbox.errors == 1)
        #expect(sandbox.reviewed == 3)
        try Self.approve(queue, from: 3, count: 2)
        #expect(try queue.sandbox(id: "text/default").mode == .review)
        try Self.approve(queue, from: 5, count: 1)
        sandbox = try queue.sandbox(id: "text/default")
        #expect(sandbox.mode == .auto)
    }

    @Test("An audit finding (a corrected auto-approved order) demotes the sandbox with the reason recorded", arguments: StoreKind.available)
    func demotionOnAuditCorrection(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(Self.small)
        try Self.approve(queue, from: 0, count: 3)
        let auto = try queue.submit([makeRecord(20)])[0].record
        #expect(auto.status == .autoApproved)

        let corrected = try queue.correct(auto.id, actor: "auditor") { try IntentCorrection(intent: $0, assignments: ["lines[0].sku=CAF-1002"]) }
        #expect(corrected.status == .approved)
        let sandbox = try queue.sandbox(id: "text/default")
        #expect(sandbox.mode == .review)
        #expect(sandbox.streak == 0)
        let demotion = try #require(try queue.history(of: "text/default").last)
        #expect(demotion.action == "sandbox.demoted")
        #expect(demotion.reason.contains(auto.id) && demotion.reason.contains("auditor"), "\(demotion.reason)")
        #expect(try queue.submit([makeRecord(21)])[0].record.status == .pendingReview, "back in review mode")
    }

    @Test("A rejection in an auto sandbox demotes it too", arguments: StoreKind.available)
    func demotionOnRejection(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(Self.small)
        try Self.approve(queue, from: 0, count: 3)
        let auto = try queue.submit([makeRecord(30)])[0].record
        try queue.reject(auto.id, actor: "auditor", reason: "not our customer")
        #expect(try queue.sandbox(id: "text/default").mode == .review)
        #expect(try queue.record(id: auto.id)?.status == .rejected)
    }

    @Test("Auto sandboxes keep about audit_rate of their orders in review, the same ones every time")
    func auditSamplingRate() throws {
        let ids = (0..<20_000).map { ContentHash.orderID(sha256: ContentHash.sha256(Data("\($0)".utf8)), pipeline: "p") }
        let sampled = ids.filter { AuditSample.includes(orderID: $0, rate: 0.02) }
        let rate = Double(sampled.count) / Double(ids.count)
        // 20,000 draws at 2%: the standard deviation of the rate is 0.1%; allow 4 of them.
        #expect(abs(rate - 0.02) < 0.004, "sampled \(rate)")
        #expect(sampled == ids.filter { AuditSample.includes(orderID: $0, rate: 0.02) }, "deterministic per order id")
        #expect(!ids.contains { AuditSample.includes(orderID: $0, rate: 0) })
        #expect(ids.allSatisfy { AuditSample.includes(orderID: $0, rate: 1) })
    }

    @Test("In an auto sandbox, audit-sampled orders stay in review and are marked as the sample", arguments: StoreKind.available)
    func auditSampleStaysInReview(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let settings = ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 1, auditRate: 0.25, minConfidence: 0.5))
        let queue = fixture.queue(settings)
        try Self.approve(queue, from: 0, count: 1)
        let stored = try queue.submit((100..<500).map { makeRecord($0) }).map(\.record)
        let inReview = stored.filter { $0.status == .pendingReview }
        #expect(stored.allSatisfy { $0.status == .pendingReview || $0.status == .autoApproved })
        #expect(Set(inReview.map(\.id)) == Set(stored.filter { AuditSample.includes(orderID: $0.id, rate: 0.25) }.map(\.id)))
        #expect((60...140).contains(inReview.count), "\(inReview.count) of 400 sampled at 25%")
        #expect(try inReview.allSatisfy { try queue.detail($0.id).auditSample })
    }

    @Test("A policy can require the error-rate bound as well as the streak", arguments: StoreKind.available)
    func errorBoundPolicy(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 2, auditRate: 0, maxErrorBound: 0.5)))
        try Self.approve(queue, from: 0, count: 3)
        // 3 clean reviews bound the error rate at 1 − 0.05^(1/3) ≈ 63%: above 50%, so no promotion yet.
        #expect(try queue.sandbox(id: "text/default").mode == .review)
        try Self.approve(queue, from: 3, count: 2)
        // 5 clean: 1 − 0.05^(1/5) ≈ 45%.
        #expect(try queue.sandbox(id: "text/default").mode == .auto)
    }

    @Test("Policy layers: built-in, pipeline file, stored defaults, per-sandbox; setting a policy can promote at once", arguments: StoreKind.available)
    func policyLayers(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let settings = ReviewSettings(
            defaults: SandboxPolicyOverrides(promoteAfter: 50),
            sandboxes: ["text/courier-app": SandboxPolicyOverrides(auditRate: 0.1)])
        let queue = fixture.queue(settings)
        _ = try queue.submit([makeRecord(1, sender: "courier-app")])
        var policy = try queue.sandbox(id: "text/courier-app").policy
        #expect(policy == SandboxPolicy(promoteAfter: 50, auditRate: 0.1, minConfidence: 0.9))
        try queue.setPolicy(SandboxPolicyOverrides(minConfidence: 0.8), sandbox: nil, actor: "admin")
        try queue.setPolicy(SandboxPolicyOverrides(auditRate: 0.05), sandbox: "text/courier-app", actor: "admin")
        policy = try queue.sandbox(id: "text/courier-app").policy
        #expect(policy == SandboxPolicy(promoteAfter: 50, auditRate: 0.05, minConfidence: 0.8))

        try queue.approve(try queue.list()[0].id, actor: "alice")
        try queue.setPolicy(SandboxPolicyOverrides(promoteAfter: 1), sandbox: "text/courier-app", actor: "admin")
        #expect(try queue.sandbox(id: "text/courier-app").mode == .auto)
        #expect(throws: ReviewError.self) { try queue.setPolicy(SandboxPolicyOverrides(auditRate: 2), sandbox: nil, actor: "admin") }
    }

    @Test("The 95% upper bound on the error rate: 500 clean reviews bound it below 0.6%")
    func errorRateBound() {
        #expect(abs(ErrorRateBound.upper95(errors: 0, reviewed: 500) - 0.005974) < 0.00001)
        // Exact Clopper–Pearson one-sided 95% bounds (from the beta quantile).
        #expect(abs(ErrorRateBound.upper95(errors: 1, reviewed: 100) - 0.04656) < 0.0001)
        #expect(abs(ErrorRateBound.upper95(errors: 5, reviewed: 500) - 0.02084) < 0.0002)
        #expect(ErrorRateBound.upper95(errors: 0, reviewed: 0) == 1)
        #expect(ErrorRateBound.upper95(errors: 3, reviewed: 3) == 1)
    }
}
