import Foundation
import ShopPlatform

/// Page models: plain values the templates read. Money is formatted here, once.
struct ProductCard {
    let slug: String
    let name: String
    let description: String
    let price: String
    let inStock: Bool
    let stock: Int
    let lowStock: Bool
    let isActive: Bool
    let imageURL: String?
    let id: Int64

    init(_ product: ProductDoc) {
        self.slug = product.slug
        self.name = product.name
        self.description = product.description
        self.price = Money(minorUnits: product.priceMinor, currency: product.currency).formatted
        self.inStock = product.inStock
        self.stock = Int(product.stock)
        self.lowStock = product.stock > 0 && product.stock <= 5
        self.isActive = product.isActive
        self.imageURL = product.imageUrl == nil ? nil : "/images/\(product.slug)"
        self.id = product.id
    }
}

struct CatalogueModel {
    let products: [ProductCard]
    /// Nil when not searching (Mustache treats even "" as present).
    let query: String?
    let nextURL: String?
    let firstPageURL: String?
    let empty: Bool
}

struct ProductModel {
    let product: ProductCard
    let quantities: [Int]
}

struct CartLineModel {
    let productID: Int64
    let slug: String?
    let name: String
    let quantity: Int
    let unitPrice: String?
    let lineTotal: String?
    let available: Bool
    let unavailableReason: String?
}

struct CartModel {
    let lines: [CartLineModel]
    let empty: Bool
    let subtotal: String?
    let canCheckout: Bool
    let idempotencyKey: String
}

struct OrderLineModel {
    let name: String
    let quantity: Int
    let unitPrice: String?
    let lineTotal: String?
}

struct OrderModel {
    let number: String
    let status: String
    let placedAt: String?
    let total: String?
    let lines: [OrderLineModel]
    let cancellable: Bool
    let userID: Int64

    init(_ order: OrderDoc) {
        self.number = order.number
        self.status = order.status.rawValue
        self.placedAt = order.placedAt.map { $0.formatted(date: .abbreviated, time: .shortened) }
        let currency = order.currency ?? "USD"
        self.total = order.totalMinor.map { Money(minorUnits: $0, currency: currency).formatted }
        self.lines = order.items.map { item in
            OrderLineModel(
                name: item.name ?? "Product \(item.productId)", quantity: Int(item.quantity),
                unitPrice: item.unitPriceMinor.map { Money(minorUnits: $0, currency: currency).formatted },
                lineTotal: item.lineTotalMinor.map { Money(minorUnits: $0, currency: currency).formatted })
        }
        self.cancellable = order.status == .placed
        self.userID = order.userId
    }
}

struct OrdersModel {
    let orders: [OrderModel]
    let empty: Bool
    let nextURL: String?
}

/// A form re-shown after a failed submit: values and per-field messages.
struct FormModel {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var general: String?
    var next: String?
}

struct AdminProductsModel {
    let products: [ProductCard]
}

struct AdminProductFormModel {
    let product: ProductCard?
    let isNew: Bool
    let form: FormModel
    let priceValue: String
    /// The product's own currency when editing; new products get the shop's.
    let currency: String?
    /// Stored, not computed: templates read models by reflection.
    let active: Bool

    init(product: ProductCard?, isNew: Bool, form: FormModel, priceValue: String, currency: String? = nil) {
        self.product = product
        self.isNew = isNew
        self.form = form
        self.priceValue = priceValue
        self.currency = currency
        self.active = form.values["active"] == "on"
    }
}

struct AdminOrdersModel {
    let orders: [OrderModel]
    let status: String
    let filters: [StatusFilter]

    struct StatusFilter {
        let value: String
        let label: String
        let selected: Bool
    }
}
