/// A small driver for a real headless Chromium, for UI tests: load a page, type, click, press keys,
/// read the DOM, collect page errors.
///
/// It speaks the Chrome DevTools Protocol (CDP) over `--remote-debugging-pipe` rather than a
/// websocket: the browser reads commands from its fd 3 and writes replies and events to its fd 4,
/// each message one JSON text terminated by a NUL byte. So we need no websocket client, no HTTP
/// handshake, and no port to pick (nothing to collide when tests run in parallel); when the
/// browser dies the pipe reports EOF and every wait fails at once instead of hanging.
///
/// Chromium is started as
///
///     chromium --headless=new --remote-debugging-pipe --no-sandbox --disable-gpu --no-first-run
///              --no-default-browser-check --disable-dev-shm-usage --user-data-dir=<fresh temp dir>
///              about:blank
///
/// - `--headless=new`: the real browser without a window (same code paths as desktop Chrome).
/// - `--no-sandbox`: the sandbox refuses to run as root, which is what CI containers are.
/// - `--disable-gpu`: no GPU in a container; software rendering is enough for DOM tests.
/// - `--no-first-run --no-default-browser-check`: no first-run dialogs or prompts.
/// - `--disable-dev-shm-usage`: containers often have a tiny /dev/shm; use /tmp instead.
/// - `--user-data-dir`: a throwaway profile, so runs never share cookies, storage or locks.
///
/// The browser runs in its own process group, so `close()` can also kill renderer and zygote
/// processes. Its stdout and stderr go to a log file whose tail is quoted when the browser dies.
/// Every call blocks and every wait has a timeout. Debian: `apt-get install chromium`.
import Foundation
import Glibc

final class HeadlessChromium: @unchecked Sendable {
    // @unchecked Sendable is safe: every mutable stored property is guarded by a lock
    // (`writeLock` here, `Inbox.condition` in the inbox), and `sessionId` is written only in init.

    enum Error: Swift.Error, CustomStringConvertible {
        case notInstalled
        case launchFailed(String)
        case browserExited(String)
        case timeout(String)
        case protocolError(method: String, message: String)
        case navigationFailed(url: String, reason: String)
        case javaScript(String)
        case noElement(String)
        case notInteractable(selector: String, reason: String)
        case unsupportedKey(String)

        var description: String {
            switch self {
            case .notInstalled:
                "Chromium not found on PATH (tried chromium, chromium-browser, google-chrome). Debian: apt-get install chromium"
            case .launchFailed(let why): "Could not launch Chromium: \(why)"
            case .browserExited(let log): "Chromium exited unexpectedly. Last log lines:\n\(log)"
            case .timeout(let what): "Timed out waiting for \(what)"
            case .protocolError(let method, let message): "CDP \(method) failed: \(message)"
            case .navigationFailed(let url, let reason): "Navigation to \(url) failed: \(reason)"
            case .javaScript(let message): "JavaScript exception: \(message)"
            case .noElement(let selector): "No element matches \(selector)"
            case .notInteractable(let selector, let reason): "\(selector) is not interactable: \(reason)"
            case .unsupportedKey(let key): "press(key:) does not know the key \(key)"
            }
        }
    }

    /// Uncaught exceptions and `console.error`/`console.assert` output of the page, in order.
    var pageErrors: [String] {
        get { inbox.locked { $0.pageErrors } }
        set { inbox.locked { $0.pageErrors = newValue } }
    }

    /// Every console message of the page, as "type: text" (log, info, warning, error, ...).
    var consoleMessages: [String] { inbox.locked { $0.consoleMessages } }

    private static let launchLock = NSLock()

    /// Default limit for each protocol command and for `navigate`. Generous: a command waits on
    /// the browser's own processes (a first navigation starts a renderer), and in CI they share
    /// two cores with the whole test suite; 15 s once timed out there on a healthy page.
    let timeout: Duration
    let pid: pid_t

    private let directory: URL
    private let inbox: Inbox
    private let writeLock = NSLock()
    private var commandFD: Int32  // guarded by writeLock; -1 once closed
    private var sessionId: String?  // written once in init, read-only afterwards

    init(timeout: Duration = .seconds(60)) throws {
        guard let executable = Self.findExecutable() else { throw Error.notInstalled }
        // A write to the command pipe after the browser died would raise SIGPIPE and kill the whole
        // test process; ignored, write() returns EPIPE and we throw instead.
        signal(SIGPIPE, SIG_IGN)

        var template = Array((FileManager.default.temporaryDirectory.path + "/headless-chromium-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Error.launchFailed("mkdtemp: \(String(cString: strerror(errno)))") }
        let directory = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        let arguments = [
            executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage",
            "--user-data-dir=\(directory.path)/profile", "about:blank",
        ]
        let logPath = directory.path + "/chromium.log"

        // commands: we write [1], the browser reads [0] as its fd 3.
        // responses: the browser writes [1] as its fd 4, we read [0].
        // pipe2(O_CLOEXEC) is not visible from Swift, so pipe() and set CLOEXEC, under a lock that
        // also covers the spawn: a browser launched by a parallel test must not inherit our ends
        // (it would hold them open and we would not see EOF when ours exits).
        var commands: [Int32] = [-1, -1], responses: [Int32] = [-1, -1]
        let pid: pid_t
        do {
            Self.launchLock.lock()
            defer {
                // Drop the child's ends here, or we would never see EOF when the browser exits.
                for fd in [commands[0], responses[1]] where fd >= 0 { Glibc.close(fd) }
                Self.launchLock.unlock()
            }
            guard pipe(&commands) == 0, pipe(&responses) == 0 else {
                throw Error.launchFailed("pipe: \(String(cString: strerror(errno)))")
            }
            for fd in commands + responses { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pid = try Self.spawn(arguments, commandsRead: commands[0], responsesWrite: responses[1], log: logPath)
        } catch {
            for fd in [commands[1], responses[0]] where fd >= 0 { Glibc.close(fd) }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }

        self.timeout = timeout
        self.pid = pid
        self.directory = directory
        self.commandFD = commands[1]
        self.inbox = Inbox(logPath: logPath)
        let inbox = self.inbox, readFD = responses[0]
        // A thread, not a dispatch queue: it blocks in read() for the browser's whole life.
        // It captures only the inbox, so it does not keep `self` (and deinit's close()) alive.
        Thread { Inbox.readLoop(fd: readFD, into: inbox) }.start()

        do {
            let target = try send("Target.createTarget", ["url": "about:blank"], session: false)
            guard let targetId = target["targetId"] as? String else {
                throw Error.launchFailed("Target.createTarget returned no targetId")
            }
            let attached = try send("Target.attachToTarget", ["targetId": targetId, "flatten": true], session: false)
            guard let session = attached["sessionId"] as? String else {
                throw Error.launchFailed("Target.attachToTarget returned no sessionId")
            }
            sessionId = session
            try send("Page.enable")
            try send("Runtime.enable")
            // A headless tab need not count as focused (and parallel browsers would compete for
            // focus); emulate it, so focus/blur, :focus and key handling behave as for a user.
            try send("Emulation.setFocusEmulationEnabled", ["enabled": true])
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    // MARK: Page API

    /// Loads `url` and waits for its load event.
    func navigate(to url: URL) throws {
        let mark = inbox.locked { $0.eventCount }
        let result = try send("Page.navigate", ["url": url.absoluteString])
        if let reason = result["errorText"] as? String, !reason.isEmpty {
            throw Error.navigationFailed(url: url.absoluteString, reason: reason)
        }
        // No loaderId means a same-document navigation (a #fragment): there is no load event.
        guard result["loaderId"] != nil else { return }
        try inbox.waitForEvent("Page.loadEventFired", sessionId: sessionId, after: mark, until: deadline(timeout))
    }

    /// Evaluates `javaScript` in the page (promises are awaited) and returns its JSON value:
    /// String, NSNumber, Bool, [Any], [String: Any], or nil for undefined and null.
    @discardableResult
    func evaluate(_ javaScript: String) throws -> Any? {
        let result = try send("Runtime.evaluate", [
            "expression": javaScript, "awaitPromise": true, "returnByValue": true, "userGesture": true,
        ])
        if let details = result["exceptionDetails"] as? [String: Any] {
            throw Error.javaScript(Self.describe(exception: details))
        }
        let value = (result["result"] as? [String: Any])?["value"]
        return value is NSNull ? nil : value
    }

    /// Polls `javaScriptCondition` until it is truthy. Exceptions count as "not yet" (the element
    /// may not exist yet); the last one is quoted if the wait times out.
    func waitFor(_ javaScriptCondition: String, timeout: Duration = .seconds(10)) throws {
        let end = deadline(timeout)
        var lastError: Swift.Error?
        while true {
            do {
                if try evaluate("!!(\(javaScriptCondition))") as? Bool == true { return }
                lastError = nil
            } catch let error as Error {
                if case .javaScript = error { lastError = error } else { throw error }
            }
            guard Date() < end else {
                let suffix = lastError.map { " (last error: \($0))" } ?? ""
                throw Error.timeout("`\(javaScriptCondition)` to become true\(suffix)")
            }
            usleep(50_000)
        }
    }

    /// Scrolls the element into view and clicks its centre with real mouse events.
    func click(_ cssSelector: String) throws {
        let box = try evaluate("""
            (() => {
              const el = document.querySelector(\(Self.jsString(cssSelector)));
              if (!el) return null;
              el.scrollIntoView({block: 'center', inline: 'center'});
              const r = el.getBoundingClientRect();
              const x = r.left + r.width / 2, y = r.top + r.height / 2;
              const top = document.elementFromPoint(x, y);
              return {x, y, width: r.width, height: r.height,
                      hit: !!top && (top === el || el.contains(top)),
                      top: top ? top.outerHTML.slice(0, 100) : 'nothing'};
            })()
            """)
        guard let box = box as? [String: Any] else { throw Error.noElement(cssSelector) }
        let x = Self.double(box["x"]), y = Self.double(box["y"])
        guard Self.double(box["width"]) > 0, Self.double(box["height"]) > 0 else {
            throw Error.notInteractable(selector: cssSelector, reason: "it has no size (hidden?)")
        }
        // A click on whatever covers the element would silently go elsewhere; say so instead.
        guard box["hit"] as? Bool == true else {
            throw Error.notInteractable(selector: cssSelector, reason: "its centre is covered by \(box["top"] ?? "?")")
        }
        try send("Input.dispatchMouseEvent", ["type": "mouseMoved", "x": x, "y": y])
        for type in ["mousePressed", "mouseReleased"] {
            try send("Input.dispatchMouseEvent", [
                "type": type, "x": x, "y": y, "button": "left", "buttons": type == "mousePressed" ? 1 : 0, "clickCount": 1,
            ])
        }
    }

    /// Focuses the element, selects its current content and replaces it with `text`
    /// (real `beforeinput`/`input` events, no key events; `change` fires only on blur, e.g. after
    /// `press(key: "Tab")`). An empty `text` clears the field.
    func type(_ text: String, into cssSelector: String) throws {
        let focused = try evaluate("""
            (() => {
              const el = document.querySelector(\(Self.jsString(cssSelector)));
              if (!el) return null;
              el.scrollIntoView({block: 'center'});
              el.focus();
              if (typeof el.select === 'function') el.select();
              else { const r = document.createRange(); r.selectNodeContents(el);
                     getSelection().removeAllRanges(); getSelection().addRange(r); }
              return document.activeElement === el;
            })()
            """)
        guard let focused = focused as? Bool else { throw Error.noElement(cssSelector) }
        guard focused else { throw Error.notInteractable(selector: cssSelector, reason: "it cannot take focus") }
        if text.isEmpty {
            try press(key: "Delete")  // insertText("") would leave the selection in place
        } else {
            try send("Input.insertText", ["text": text])
        }
    }

    /// Presses and releases one key on the focused element: a single printable character ("a",
    /// "A", "7", " ", "/") or one of Enter, Escape, Tab, Backspace, Delete, ArrowLeft/Right/Up/Down,
    /// Home, End, PageUp, PageDown.
    func press(key: String) throws {
        let named: [String: (code: String, keyCode: Int, text: String?)] = [
            "Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, nil), "Tab": ("Tab", 9, nil),
            "Backspace": ("Backspace", 8, nil), "Delete": ("Delete", 46, nil),
            "ArrowLeft": ("ArrowLeft", 37, nil), "ArrowUp": ("ArrowUp", 38, nil),
            "ArrowRight": ("ArrowRight", 39, nil), "ArrowDown": ("ArrowDown", 40, nil),
            "Home": ("Home", 36, nil), "End": ("End", 35, nil), "PageUp": ("PageUp", 33, nil), "PageDown": ("PageDown", 34, nil),
        ]
        var event: [String: Any] = ["key": key]
        var modifiers = 0
        if let definition = named[key] {
            event["code"] = definition.code
            event["windowsVirtualKeyCode"] = definition.keyCode
            if let text = definition.text { event["text"] = text }
        } else if key.count == 1, let scalar = key.unicodeScalars.first, scalar.value >= 0x20, scalar.value != 0x7F {
            // Printable character: key and text are the character; code/keyCode describe the
            // physical key on a US layout where that is obvious (letters, digits, space).
            event["text"] = key
            event["unmodifiedText"] = key.lowercased()
            let upper = key.uppercased()
            if let ascii = upper.unicodeScalars.first?.value, upper.unicodeScalars.count == 1, ascii < 0x80 {
                switch ascii {
                case 0x41...0x5A: event["code"] = "Key\(upper)"; event["windowsVirtualKeyCode"] = Int(ascii)
                case 0x30...0x39: event["code"] = "Digit\(key)"; event["windowsVirtualKeyCode"] = Int(ascii)
                case 0x20: event["code"] = "Space"; event["windowsVirtualKeyCode"] = 32
                default: break
                }
            }
            if key != key.lowercased() { modifiers = 8 }  // Shift, for "A"
        } else {
            throw Error.unsupportedKey(key)
        }
        event["modifiers"] = modifiers
        if let keyCode = event["windowsVirtualKeyCode"] { event["nativeVirtualKeyCode"] = keyCode }
        // "keyDown" with text also produces keypress/input; "rawKeyDown" is a bare keydown.
        var down = event
        down["type"] = event["text"] == nil ? "rawKeyDown" : "keyDown"
        try send("Input.dispatchKeyEvent", down)
        var up = event
        up["type"] = "keyUp"
        up["text"] = nil
        up["unmodifiedText"] = nil
        try send("Input.dispatchKeyEvent", up)
    }

    /// The element's `innerText`, or nil if nothing matches.
    func text(of cssSelector: String) throws -> String? {
        try evaluate("document.querySelector(\(Self.jsString(cssSelector)))?.innerText ?? null") as? String
    }

    /// Writes a PNG of the viewport, for debugging a failing test.
    func screenshot(to url: URL) throws {
        let result = try send("Page.captureScreenshot", ["format": "png"])
        guard let base64 = result["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw Error.protocolError(method: "Page.captureScreenshot", message: "no image data")
        }
        try png.write(to: url)
    }

    /// Ends the browser: SIGTERM, SIGKILL for the whole process group if it lingers, reap,
    /// close our pipe, delete the profile. Idempotent; also run by deinit.
    func close() {
        writeLock.lock()
        guard commandFD >= 0 else { writeLock.unlock(); return }
        Glibc.close(commandFD)
        commandFD = -1
        writeLock.unlock()

        kill(pid, SIGTERM)
        let end = Date().addingTimeInterval(2)
        while !Self.hasExited(pid), Date() < end { usleep(20_000) }
        // The leader is not reaped yet, so the group id cannot have been reused: this reaches only
        // our leftovers (renderers, zygote), or nobody.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        inbox.waitForReader(until: Date().addingTimeInterval(2))
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Protocol plumbing

    /// Sends one command (to our page session unless `session` is false) and returns its result.
    @discardableResult
    private func send(_ method: String, _ params: [String: Any] = [:], session: Bool = true) throws -> [String: Any] {
        let id = inbox.locked { inbox in
            inbox.nextId += 1
            inbox.pending.insert(inbox.nextId)
            return inbox.nextId
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if session, let sessionId { message["sessionId"] = sessionId }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try write(data)
        let response: [String: Any]
        do {
            response = try inbox.waitForResponse(id, what: "the reply to \(method)", until: deadline(timeout))
        } catch Error.timeout(let what) {
            // Say what the browser was doing: a silent timeout cannot be told from a hung page.
            throw Error.timeout("\(what) after \(timeout). Last log lines:\n\(inbox.logTail())")
        }
        if let error = response["error"] as? [String: Any] {
            let detail = [error["message"], error["data"]].compactMap { $0.map { "\($0)" } }.joined(separator: ": ")
            throw Error.protocolError(method: method, message: detail)
        }
        return response["result"] as? [String: Any] ?? [:]
    }

    private func write(_ data: Data) throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard commandFD >= 0 else { throw Error.browserExited("(closed)") }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(commandFD, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { throw Error.browserExited(inbox.logTail()) }
                offset += n
            }
        }
    }

    private func deadline(_ duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: Helpers

    private static func findExecutable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    /// posix_spawn with fd 3 = `commandsRead`, fd 4 = `responsesWrite`,
    /// stdin from /dev/null, stdout and stderr to `log`, in a new process group.
    private static func spawn(_ arguments: [String], commandsRead: Int32, responsesWrite: Int32, log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // Move our ends above 4 first, so dup2 onto 3 and 4 can never clobber one of them.
        let commandsIn = fcntl(commandsRead, F_DUPFD_CLOEXEC, 10), responsesOut = fcntl(responsesWrite, F_DUPFD_CLOEXEC, 10)
        defer { Glibc.close(commandsIn); Glibc.close(responsesOut) }
        guard commandsIn >= 0, responsesOut >= 0 else { throw Error.launchFailed("fcntl: \(String(cString: strerror(errno)))") }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, commandsIn, 3)
        posix_spawn_file_actions_adddup2(&actions, responsesOut, 4)

        // Own process group (so close() can kill all of it), default signal handling, nothing
        // blocked: whatever the test runner did with signals must not leak into the browser.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard rc == 0 else { throw Error.launchFailed("posix_spawn \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// True once `pid` has exited; does not reap it (WNOWAIT) so its pid and group id stay ours.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return rc != 0 || info._sifields._kill.si_pid != 0
    }

    /// A JavaScript string literal for `string` (JSON is valid JavaScript).
    private static func jsString(_ string: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: string, options: .fragmentsAllowed)
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "''"
    }

    private static func double(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? 0
    }

    /// "Uncaught Error: boom\n    at …" from CDP `exceptionDetails`.
    static func describe(exception details: [String: Any]) -> String {
        let text = details["text"] as? String ?? "Exception"
        guard let exception = details["exception"] as? [String: Any] else { return text }
        let description = exception["description"] as? String ?? (exception["value"]).map { "\($0)" } ?? ""
        // Rejected promises already carry the message in `text` ("Uncaught (in promise) Error: x").
        let firstLine = description.prefix { $0 != "\n" }
        if !firstLine.isEmpty, text.hasSuffix(firstLine) { return text + description.dropFirst(firstLine.count) }
        return description.isEmpty ? text : "\(text) \(description)"
    }
}
