import ShopPlatform

/// What the storefront's backend clients share.
enum Backend {
    /// A 4xx from a service, with its problem document (see `RefusalMiddleware`).
    struct Refusal: Error, Sendable {
        let status: Int
        let problem: ProblemDoc
    }
}

/// The three services behind the storefront.
struct Backends: Sendable {
    let users: CustomerAccounts
    let products: ProductCatalogue
    let orders: CartsAndOrders
}
