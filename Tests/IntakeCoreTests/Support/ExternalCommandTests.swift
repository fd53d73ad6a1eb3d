import Foundation
import IntakeCore
import Testing

@Suite struct ExternalCommandTests {
    /// A tool that writes more to stderr than a pipe holds, then to stdout, must not block:
    /// `sphinx_fe` did exactly that on 972 recordings and `intake adapt-voice` hung.
    @Test(.timeLimit(.minutes(1))) func aToolFillingStderrBeforeStdoutFinishes() throws {
        let script = "head -c 300000 /dev/zero | tr '\\0' e >&2; echo done"
        let result = try #require(try ExternalCommand.run("/bin/sh", ["-c", script]))
        #expect(result.status == 0)
        #expect(String(decoding: result.output, as: UTF8.self) == "done\n")
        #expect(result.errors.count == 300_000)
        #expect(result.errors.allSatisfy { $0 == "e" })
    }

    @Test func aMissingToolIsNil() throws {
        #expect(try ExternalCommand.run("/nonexistent/tool", []) == nil)
    }
}
