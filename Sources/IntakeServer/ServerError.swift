/// Why the server cannot start or go on (the port is taken, the store cannot be written at
/// shutdown), said as the command line says its errors: what happened and what to do.
struct ServerError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
