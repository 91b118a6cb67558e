import ProductService
import ShopPlatform

try await ServiceMain.run(ProductServiceEntry.self, arguments: CommandLine.arguments)
