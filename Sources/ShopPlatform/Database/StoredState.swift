import SQLKit

/// A state column's values as an enum: the raw values are exactly the strings the
/// column's `CHECK` allows, so no state is ever spelled by hand in a query.
///
/// In SQL a state is written into the statement as a literal
/// (`status = \(Order.Status.cart)` is `status = 'cart'`), not bound: its values
/// are the enum's own, never input, and a literal lets both databases plan with
/// the stores' partial indexes (`... WHERE status = 'pending'`) at once. A bound
/// state made SQLite prepare every such statement twice: sqlite-nio prepares,
/// then binds, and a bound value compared with a partial index's condition
/// expires the plan at the first step (`sqlite3Reprepare`, 6% of `GET /v1/cart`'s
/// CPU, profiled).
///
/// Reading is strict: a value the enum does not know is an error, never a default,
/// so a corrupt row cannot pass for a valid state.
public protocol StoredState: RawRepresentable<String>, CaseIterable, SQLExpression {}

extension StoredState {
    public func serialize(to serializer: inout SQLSerializer) {
        SQLLiteral.string(rawValue).serialize(to: &serializer)
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
