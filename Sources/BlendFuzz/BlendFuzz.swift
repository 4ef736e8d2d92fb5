import BlendFile
import Foundation

/// libFuzzer entry point: any bytes must give a `BlendInfo` or a `BlendError`, never a crash,
/// a hang or an unbounded allocation. Built by `scripts/fuzz-blend` with
/// `-sanitize=fuzzer,address -DBLEND_FUZZ`.
@_cdecl("LLVMFuzzerTestOneInput")
public func blendFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let info = try BlendFileReader.read(bytes: bytes, name: "fuzz.blend")
        _ = info.scene
    } catch {
        precondition(!error.description.contains("\n"), "error text must be one line")
    }
    return 0
}

#if !BLEND_FUZZ
/// Without libFuzzer (a normal build): replay the files given, e.g. a crash reproducer.
@main
enum BlendFuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let bytes = [UInt8](data) + [0]  // never empty, so there is always a base address
            _ = bytes.withUnsafeBufferPointer { blendFuzzOne($0.baseAddress!, data.count) }
            print("\(path): ok")
        }
    }
}
#endif
