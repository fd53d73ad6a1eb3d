import Foundation
import IntakeCore
import IntakeReview
import Testing

/// The review page in a real browser (Debian's headless Chromium) against a real server: a
/// reviewer signs in with a token, corrects one order in place and saves it, then approves the
/// next, both with the keyboard, and the store shows both decisions under the reviewer's name;
/// a failed order's input is run again from its page.
@Suite(.serialized) struct ReviewPageBrowserTests {
    @Test func aReviewerCorrectsAndApprovesOrdersThroughThePage() async throws {
        let server = try await TestServer()
        var ids: [String] = []
        for text in ["store 12: 3 iced americano with oat milk", "store 7: 2 butter croissants"] {
            let reply = try await server.request("POST", "/v1/messages", token: server.device, body: Data(text.utf8), contentType: "text/plain")
            let id = try #require(reply.json["id"] as? String)
            _ = try await server.waitForOrder(id)
            ids.append(id)
        }
        let page = URL(string: "http://127.0.0.1:\(server.port)/#/queue")!
        let token = server.reviewer
        let (first, second) = (ids[0], ids[1])
        let queue = server.queue
        // Waits on the store, not on a status line the page may already have replaced.
        @Sendable func stored(_ id: String, as status: OrderStatus, page browser: HeadlessChromium) throws {
            let deadline = Date().addingTimeInterval(60)
            while try queue.record(id: id)?.status != status {
                guard Date() < deadline else {
                    let message = (try? browser.text(of: "#status-message")) ?? nil
                    throw TestServerError("\(id) did not become \(status.rawValue) within 60 s; the page says: \(message ?? "nothing")")
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let patience = Duration.seconds(60)  // the whole suite shares two cores with the browser

        // The driver blocks while it waits for the browser: keep it off the threads the server runs on.
        let pageErrors: [String] = try await onThread {
            let browser = try Self.signedIn(to: page, token: token)
            defer { browser.close() }
            try browser.waitFor(#"document.querySelector('#whoami')?.innerText.includes('alice')"#, timeout: patience)
            try browser.waitFor(#"document.querySelectorAll('#queue tbody tr[data-order-id]').length === 2"#, timeout: patience)

            // Open the first order, change the quantity in place, save the correction.
            try browser.click(#"#queue tbody tr[data-order-id="\#(first)"]"#)
            let quantity = #"#lines input[data-path="lines[0].quantity"]"#
            try browser.waitFor("document.querySelector('\(quantity)') !== null", timeout: patience)
            try browser.waitFor(#"document.querySelector('#claim')?.innerText.includes('alice')"#, timeout: patience)
            try browser.type("4", into: quantity)
            // Leave the field (as a reviewer does before a shortcut), then save with `c`.
            try browser.evaluate("document.activeElement && document.activeElement.blur()")
            try browser.waitFor("!document.querySelector('#correct').disabled", timeout: patience)
            try browser.press(key: "c")
            try stored(first, as: .approved, page: browser)

            // The page moves on to the next order; approve it with the keyboard.
            try browser.waitFor(
                #"location.hash.includes('\#(second)') && document.querySelector('#approve') && !document.querySelector('#approve').disabled"#,
                timeout: patience)
            try browser.evaluate("document.activeElement && document.activeElement.blur()")
            try browser.press(key: "a")
            try stored(second, as: .approved, page: browser)
            return browser.pageErrors
        }
        #expect(pageErrors.isEmpty, "the page reported errors: \(pageErrors)")

        let corrected = try server.queue.detail(first)
        #expect(corrected.record.status == .approved)
        #expect(corrected.record.intent.lines[0].quantity == 4)
        #expect(corrected.reviews.map(\.action) == ["correct"])
        #expect(corrected.reviews.first?.actor == "alice")
        let approved = try server.queue.detail(second)
        #expect(approved.record.status == .approved)
        #expect(approved.reviews.map(\.action) == ["approve"])
        try await server.stop()
    }

    @Test func aReviewerRunsAFailedOrdersInputAgainFromItsPage() async throws {
        let server = try await TestServer()
        let bad = try TestServer.sample("samples/vibration/bad-truncated-payload.json")
        let reply = try await server.request("POST", "/v1/alerts", token: server.admin, body: bad, contentType: "application/json")
        let id = try #require(reply.json["id"] as? String)
        #expect(try await server.waitForOrder(id).status == .failed)
        let page = URL(string: "http://127.0.0.1:\(server.port)/#/orders/\(id)")!
        let token = server.reviewer
        let queue = server.queue
        let patience = Duration.seconds(60)

        let pageErrors: [String] = try await onThread {
            let browser = try Self.signedIn(to: page, token: token)
            defer { browser.close() }
            try browser.waitFor("document.querySelector('#retry-input') !== null", timeout: patience)
            try browser.click("#retry-input")
            // The same truncated bytes fail again: the letter counts a second failure.
            let deadline = Date().addingTimeInterval(60)
            while try queue.deadLetter(id).letter.failures < 2 {
                guard Date() < deadline else { throw TestServerError("the retry did not run within 60 s") }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return browser.pageErrors
        }
        #expect(pageErrors.isEmpty, "the page reported errors: \(pageErrors)")
        #expect(try server.queue.deadLetters().map(\.orderID) == [id])
        #expect(try server.queue.record(id: id)?.status == .failed)
        try await server.stop()
    }

    /// A browser on `page`, signed in with `token` through the page's token form.
    private static func signedIn(to page: URL, token: String) throws -> HeadlessChromium {
        let browser = try HeadlessChromium()
        do {
            try browser.navigate(to: page)
            try browser.type(token, into: "#token-input")
            try browser.click("#token-save")
            return browser
        } catch {
            browser.close()
            throw error
        }
    }

    private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
