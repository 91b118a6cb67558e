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
