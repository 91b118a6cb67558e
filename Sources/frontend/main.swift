import Frontend
import ShopPlatform

try await ServiceMain.run(FrontendEntry.self, arguments: CommandLine.arguments)
