import Mustache

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

extension AdminProductsModel: MustacheParent {
    func child(named name: String) -> Any? {
        name == "products" ? products : nil
    }
}

extension AdminProductFormModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "product": product
        case "isNew": isNew
        case "form": form
        case "priceValue": priceValue
        case "currency": currency
        case "active": active
        default: nil
        }
    }
}

extension AdminOrdersModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "orders": orders
        case "status": status
        case "filters": filters
        default: nil
        }
    }
}

extension AdminOrdersModel.StatusFilter: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}
