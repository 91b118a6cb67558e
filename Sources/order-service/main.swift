import OrderService
import ShopPlatform

try await ServiceMain.run(OrderServiceEntry.self, arguments: CommandLine.arguments)
