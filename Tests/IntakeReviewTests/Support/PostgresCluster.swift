import Foundation

/// A throw-away PostgreSQL cluster for the tests: `initdb` in a temporary folder, started on
/// 127.0.0.1 at a free port, one fresh database per test, stopped when the test process exits.
/// Nil when PostgreSQL's server binaries are not installed (`.ci/run` installs them).
final class PostgresCluster: Sendable {
    let port: Int
    let folder: URL
    let binaries: URL

    static let shared: PostgresCluster? = {
        guard let binaries = findBinaries() else { return nil }
        do {
            let cluster = try PostgresCluster(binaries: binaries)
            atexit { PostgresCluster.shared?.stop() }
            return cluster
        } catch {
            FileHandle.standardError.write(Data("PostgresCluster: \(error)\n".utf8))
            return nil
        }
    }()

    /// A cluster of its own, for a test that stops and starts the server. Call `stop()` after.
    static func makePrivate() throws -> PostgresCluster {
        guard let binaries = findBinaries() else { throw CommandFailed(description: "PostgreSQL is not installed") }
        return try PostgresCluster(binaries: binaries)
    }

    /// A new empty database; returns its URL.
    func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try Self.run(binaries.appendingPathComponent("createdb"), ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", String(name)])
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    /// Stops the server immediately (`pg_ctl stop -m immediate`), as a crash would.
    func crash() throws {
        try Self.run(binaries.appendingPathComponent("pg_ctl"), ["-D", data.path, "-m", "immediate", "stop"], asOwner: true)
    }

    /// Starts the server again on the same port and data.
    func start() throws {
        try Self.run(
            binaries.appendingPathComponent("pg_ctl"),
            ["-D", data.path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-o",
             "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"],
            asOwner: true)
    }

    func stop() {
        try? Self.run(binaries.appendingPathComponent("pg_ctl"), ["-D", data.path, "-m", "fast", "stop"], asOwner: true)
        try? FileManager.default.removeItem(at: folder)
    }

    private var data: URL { folder.appendingPathComponent("data") }

    private init(binaries: URL) throws {
        self.binaries = binaries
        folder = URL(fileURLWithPath: "/tmp/intake-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try Self.run(URL(fileURLWithPath: "/bin/chown"), ["postgres:postgres", folder.path]) }
        try Self.run(
            binaries.appendingPathComponent("initdb"),
            ["-D", folder.appendingPathComponent("data").path, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"],
            asOwner: true)
        // A port nobody holds: bind one, note it, let it go (the server takes it a moment later).
        port = try Self.freePort()
        try start()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                bind(fd, sockaddrPointer, length) == 0 && getsockname(fd, sockaddrPointer, &length) == 0
            }
        }
        guard bound else { throw CommandFailed(description: "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func findBinaries() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
            .map { root.appendingPathComponent($0).appendingPathComponent("bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a PostgreSQL tool; as root, as the `postgres` user (the server refuses to run as root).
    /// posix_spawn and waitpid, not Foundation's Process: its exit monitoring stalled here while
    /// parallel tests waited on this cluster's start.
    private static func run(_ tool: URL, _ arguments: [String], asOwner: Bool = false) throws {
        let argv = asOwner && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool.path] + arguments : [tool.path] + arguments
        // Output goes to a file, not a pipe: the server pg_ctl starts would hold a pipe open forever.
        let log = "/tmp/intake-pg-\(UUID().uuidString).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw CommandFailed(description: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw CommandFailed(description: "\(tool.lastPathComponent) failed (status \(status)): \(text)")
        }
    }
}

/// Which database a store test runs on. PostgreSQL joins when its server is installed.
enum StoreKind: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    static var available: [StoreKind] {
        PostgresCluster.shared == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { rawValue }
}
