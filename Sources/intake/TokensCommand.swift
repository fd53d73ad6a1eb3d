import ArgumentParser
import Foundation
import IntakeReview

/// `intake tokens`: API tokens for `intake serve`, kept hashed in the store.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens for the server.",
        discussion: """
            Roles: `device` submits inputs only, as its --subject (a device or app id, which \
            becomes the orders' sender); `reviewer` also reads, claims, approves, corrects and \
            rejects orders; `admin` also promotes and demotes sandboxes and changes policies. \
            The token is printed once: only its SHA-256 is stored.

            Examples:
              intake tokens create --role device --subject P-101 --name "edge box P-101"
              intake tokens create --role reviewer --name alice
              intake tokens list
              intake tokens revoke tok_3kQ9xV2mPa1c --actor alice
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (once).")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "device, reviewer or admin.")
        var role: APIRole

        @Option(name: .long, help: "Who or what holds it; reviewers' names appear in the audit trail.")
        var name: String

        @Option(name: .long, help: ArgumentHelp("For device tokens: the device or app id it submits as.", valueName: "id"))
        var subject: String?

        @Flag(name: .long, help: "Print the token and its record as JSON.")
        var json = false

        func run() throws {
            let (token, secret) = try TokenRegistry(store: queue.openQueue().store)
                .create(name: name, role: role, subject: subject, actor: actor.value)
            if json {
                struct Created: Encodable { var token: APIToken; var secret: String }
                try JSONOutput.line(Created(token: token, secret: secret))
            } else {
                print(secret)
                FileHandle.standardError.write(Data("created \(token.role.rawValue) token \(token.id) for \(token.name); it is shown only now\n".utf8))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var queue: QueueOptions

        @Flag(name: .long, help: "JSON Lines, one token per line.")
        var json = false

        func run() throws {
            let tokens = try TokenRegistry(store: queue.openQueue().store).list()
            if json {
                for token in tokens { try JSONOutput.line(token) }
                return
            }
            for token in tokens {
                let state = token.revokedAt.map { "revoked \($0)" } ?? "live"
                print("\(token.id)  \(token.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(token.name)\(token.subject.map { " (\($0))" } ?? "")  created \(token.createdAt) by \(token.createdBy)  \(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke tokens: requests with them get 401 at once.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Argument(help: "Token ids (tok_…).")
        var ids: [String]

        func run() throws {
            let registry = try TokenRegistry(store: queue.openQueue().store)
            for id in ids {
                let token = try registry.revoke(id, actor: actor.value)
                print("\(token.id) revoked")
            }
        }
    }
}

extension APIRole: ExpressibleByArgument {}
