import ArgumentParser
import Foundation
import IntakeDocuments
import IntakeCore
import IntakeReview
import Logging

/// `intake`: messy real-world signals in, aligned orders out.
@main
struct Intake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Turn order messages, voice reports, scanned purchase orders and machine alerts into aligned orders.",
        discussion: """
            Exit status: 0 when every input produced a record (bad inputs yield `failed` \
            records and dead letters), 1 when output or the store could not be written or a \
            review action was refused, 2 on usage or configuration errors, 3 when `review claim` \
            finds nothing waiting, 4 when `audit verify` finds tampering, 130 when stopped by a signal.

            Examples:
              intake process samples/messages
              intake review list
              intake review approve ord_0123456789abcdef01234567 --actor alice
              intake sandbox list
              intake serve --port 8080
              intake transcribe samples/voice/store12-oat-milk.wav
              echo "store 12: 3 iced americano, no straw" | intake process -
              intake pipelines check pipelines/default.yaml
              intake master check --materials my/materials.csv
            """,
        subcommands: [
            ProcessCommand.self, EnqueueCommand.self, WorkerCommand.self, ReviewCommand.self, SandboxCommand.self, DeadLettersCommand.self,
            AuditCommand.self, EventsCommand.self, ServeCommand.self, TokensCommand.self, TranscribeCommand.self, AdaptVoiceCommand.self, OCRCommand.self,
            PipelinesCommand.self, MasterCommand.self,
        ],
        defaultSubcommand: nil)

    /// Usage and configuration errors exit with 2, as documented; everything else as ArgumentParser decides.
    static func main() async {
        OpenMPThreadLimit.applyByRestarting()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as ReviewError {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            Foundation.exit(1)
        } catch let error as InputFailure {
            FileHandle.standardError.write(Data("intake: \(error.message)\n".utf8))
            Foundation.exit(2)
        } catch let error as CocoaError {
            // A file error no command turned into its own: the file and the system's reason, not an NSError dump.
            let file = error.filePath ?? error.url?.path
            FileHandle.standardError.write(Data("intake: \(file.map { "\($0): " } ?? "")\(error.intakeMessage)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Sets up swift-log once: human-readable lines on stderr at the chosen level.
enum LogSetup {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
