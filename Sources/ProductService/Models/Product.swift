import Foundation
import ShopPlatform

/// A catalogue entry as stored.
struct Product: Sendable, Equatable {
    let id: Int64
    var slug: String
    var name: String
    var description: String
    var price: Money
    var stock: Int
    var isActive: Bool
    /// Where the image is: the uploaded image's URL, or (training shop) a file name.
    var image: String?
    let createdAt: Date
    var updatedAt: Date
}

/// A validated new product.
struct NewProduct: Sendable {
    var slug: String
    var name: String
    var description: String
    var price: Money
    var stock: Int
    var isActive: Bool
    var image: String?
}
