import BlendFile
import Foundation

/// libFuzzer entry point: any bytes must give a `BlendInfo` or a `BlendError`, never a crash,
/// a hang or an unbounded allocation.
@_cdecl("LLVMFuzzerTestOneInput")
public func blendFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let info = try BlendFileReader.read(bytes: bytes, name: "fuzz.blend")
        _ = info.scene
    } catch {
        precondition(!error.description.contains("\n"), "error text must be one line")
    }
    return 0
}

#if BLEND_FUZZ
// Built by scripts/fuzz-blend with `-sanitize=fuzzer,address -DBLEND_FUZZ`. SwiftPM makes this
// module's main the program's entry point, so it hands control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func fuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
enum BlendFuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(fuzzerRunDriver(&argc, &argv) { data, size in blendFuzzOne(data, size) })
    }
}
#else
/// Without libFuzzer (a normal build): replay the files given, e.g. a crash reproducer.
@main
enum BlendFuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            _ = data.withUnsafeBufferPointer { blendFuzzOne($0.baseAddress, data.count) }
            print("\(path): ok")
        }
    }
}
#endif
