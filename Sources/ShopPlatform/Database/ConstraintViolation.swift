import PostgresNIO
import SQLiteNIO

/// Recognises integrity errors from either database, so stores can turn a lost
/// race on a unique or check constraint into a 409/422 instead of a 500.
public enum ConstraintViolation {
    public static func isUnique(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        if let error = error as? SQLiteError {
            return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
        }
        return false
    }

    public static func isCheck(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23514" }
        if let error = error as? SQLiteError { return error.reason == .constraintCheckFailed }
        return false
    }
}
