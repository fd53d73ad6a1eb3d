import Foundation

/// An error with a stable machine-readable code (`snake_case`) and a message that says what
/// went wrong and what to do. Dead letters and `failed` records carry both.
public protocol IntakeError: Error, CustomStringConvertible {
    var code: String { get }
}

/// A failure of an input that needs no type of its own.
public struct InputFailure: IntakeError, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension Error {
    /// The code a dead letter records for this error.
    public var intakeCode: String {
        if let error = self as? any IntakeError { return error.code }
        if let error = self as? CocoaError, error.isFileError { return "unreadable_input" }
        return "stage_error"
    }

    /// The message a dead letter records for this error. Foundation's file errors say theirs
    /// ("The file doesn’t exist."), not the dump of an `NSError`'s domain and user info.
    public var intakeMessage: String {
        if let error = self as? any IntakeError { return error.description }
        if let error = self as? CocoaError {
            // "There isn’t enough space." says less than the system's own "No space left on device".
            // FileHandle puts an NSError there, Data.write a POSIXError.
            let underlying = error.userInfo[NSUnderlyingErrorKey]
            if let posix = underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
            if let underlying = underlying as? NSError, underlying.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(underlying.code)))
            }
            return error.localizedDescription
        }
        return String(describing: self)
    }
}
