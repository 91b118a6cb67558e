import Foundation
import Logging
import ShopPlatform

/// The demo catalogue loaded on a shop's first run (and by `shop seed`), with
/// pictures the code draws itself.
enum DemoCatalogue {
    struct Item {
        let slug: String
        let name: String
        let description: String
        let priceMinor: Int64
        let stock: Int
        let colour: (UInt8, UInt8, UInt8)
    }

    static let items: [Item] = [
        Item(
            slug: "classic-mug", name: "Classic Mug", description: "A sturdy 350 ml stoneware mug for coffee or tea.",
            priceMinor: 1200, stock: 40, colour: (214, 96, 77)),
        Item(
            slug: "travel-tumbler", name: "Travel Tumbler",
            description: "Double-walled steel; keeps drinks hot for six hours.", priceMinor: 2450, stock: 25,
            colour: (72, 133, 237)),
        Item(
            slug: "canvas-tote", name: "Canvas Tote", description: "Heavy cotton canvas bag with long handles.",
            priceMinor: 1800, stock: 60, colour: (222, 184, 135)),
        Item(
            slug: "notebook-a5", name: "A5 Notebook", description: "Dotted pages, lay-flat binding, 192 pages.",
            priceMinor: 950, stock: 80, colour: (46, 139, 87)),
        Item(
            slug: "fountain-pen", name: "Fountain Pen",
            description: "Steel nib, converter included, smooth medium line.", priceMinor: 3900, stock: 12,
            colour: (25, 25, 112)),
        Item(
            slug: "desk-lamp", name: "Desk Lamp", description: "Dimmable LED lamp with a warm-white setting.",
            priceMinor: 5400, stock: 8, colour: (255, 200, 87)),
        Item(
            slug: "wool-socks", name: "Wool Socks", description: "Merino blend, cushioned sole, one pair.",
            priceMinor: 1500, stock: 100, colour: (128, 0, 64)),
        Item(
            slug: "water-bottle", name: "Water Bottle", description: "750 ml, leak-proof lid, BPA free.",
            priceMinor: 1650, stock: 50, colour: (0, 168, 168)),
        Item(
            slug: "sticker-pack", name: "Sticker Pack", description: "Ten weatherproof vinyl stickers.",
            priceMinor: 500, stock: 200, colour: (255, 105, 180)),
        Item(
            slug: "hoodie", name: "Hoodie", description: "Organic cotton fleece hoodie, unisex fit.", priceMinor: 4800,
            stock: 20, colour: (105, 105, 105)),
        Item(
            slug: "cap", name: "Baseball Cap", description: "Six-panel cotton cap with an adjustable strap.",
            priceMinor: 2000, stock: 30, colour: (178, 34, 34)),
        Item(
            slug: "phone-stand", name: "Phone Stand",
            description: "Folding aluminium stand for phones and small tablets.", priceMinor: 1350, stock: 35,
            colour: (112, 128, 144)),
    ]

    /// Loads the demo catalogue when the store has no products yet; returns how many it added.
    @discardableResult
    static func seedIfEmpty(catalogue: Catalogue, logger: Logger) async throws -> Int {
        guard try await catalogue.products.count() == 0 else { return 0 }
        for item in items {
            _ = try await catalogue.create(
                ProductInput(
                    slug: item.slug, name: item.name, description: item.description, priceMinor: item.priceMinor,
                    currency: catalogue.defaultCurrency, stock: item.stock, isActive: true))
            _ = try await catalogue.setImage(slug: item.slug, bytes: picture(colour: item.colour).data)
        }
        logger.notice("loaded the demo catalogue", metadata: ["products": "\(items.count)"])
        return items.count
    }

    /// A soft vertical gradient with a lighter disc: recognisable, and small.
    static func picture(colour: (UInt8, UInt8, UInt8), size: Int = 160) -> PNGImage {
        let centre = Double(size) / 2
        let radius = Double(size) * 0.3
        return PNGImage(width: size, height: size) { x, y in
            let shade = 0.75 + 0.25 * Double(size - y) / Double(size)
            let dx = Double(x) - centre
            let dy = Double(y) - centre
            let inDisc = dx * dx + dy * dy < radius * radius
            func channel(_ value: UInt8) -> UInt8 {
                let base = Double(value) * shade
                return UInt8(min(255, inDisc ? base + (255 - base) * 0.55 : base))
            }
            return (channel(colour.0), channel(colour.1), channel(colour.2))
        }
    }
}
