import ShopPlatform
import UserService

try await ServiceMain.run(UserServiceEntry.self, arguments: CommandLine.arguments)
