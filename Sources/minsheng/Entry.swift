import MinshengServer

/// The `minsheng` executable: hands over to the command line of MinshengServer.
@main
struct Entry {
  static func main() async {
    await Minsheng.main(nil)
  }
}
