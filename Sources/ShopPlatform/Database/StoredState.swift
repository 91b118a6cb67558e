import SQLKit

/// A state column's values as an enum: the raw values are exactly the strings the
/// column's `CHECK` allows, so no state is ever spelled by hand in a query.
///
/// In SQL a state is a bound parameter (`status = \(Order.Status.cart)`), like
/// any other value. The stores' partial indexes (`... WHERE status = 'pending'`)
/// stay usable: PostgreSQL plans an unnamed statement with its values, and SQLite
/// checks a bound value against an index's condition (re-preparing if it changes).
///
/// Reading is strict: a value the enum does not know is an error, never a default,
/// so a corrupt row cannot pass for a valid state.
public protocol StoredState: RawRepresentable<String>, CaseIterable, SQLExpression {}

extension StoredState {
    public func serialize(to serializer: inout SQLSerializer) {
        serializer.write(bind: rawValue)
    }
}

/// A state column held a value its enum does not know.
public struct UnknownStoredState: Error, CustomStringConvertible {
    public let column: String
    public let value: String

    public var description: String { "unknown value '\(value)' in column \(column)" }
}

extension SQLRow {
    /// The state in `column`; throws `UnknownStoredState` for a value `State` does not know.
    public func decode<State: StoredState>(state column: String, as _: State.Type = State.self) throws -> State {
        let value = try decode(column: column, as: String.self)
        guard let state = State(rawValue: value) else { throw UnknownStoredState(column: column, value: value) }
        return state
    }
}
