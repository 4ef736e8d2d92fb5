import Foundation
import RenderPlan

/// The FFmpeg command of a contact sheet: every picked image scaled (aspect kept, padded) into one
/// cell size, so images of different sizes line up, optionally captioned, then tiled 8 across.
struct ContactSheet {
    /// Cell width; the height follows the first image's aspect (16:9 when it cannot be read).
    static let cellWidth = 160
    /// DejaVu Sans (Debian's fonts-dejavu-core), for captions; without it FFmpeg's fontconfig default.
    static let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    let cells: [(frame: Int, file: String)]
    let labels: [Int: String]
    let work: String

    init(cells: [(frame: Int, file: String)], labels: [Int: String], work: String) {
        self.cells = cells
        self.labels = labels
        self.work = work
    }

    func arguments(output: String) throws(WorkerError) -> [String] {
        let width = Self.cellWidth
        let height = Self.size(of: cells[0].file).map { max(2, Int((Double(width) * Double($0.height) / Double($0.width) / 2).rounded()) * 2) } ?? 90
        let columns = min(8, cells.count)
        let rows = (cells.count + columns - 1) / columns
        var filters: [String] = []
        for (index, cell) in cells.enumerated() {
            var chain = "[\(index):v]scale=\(width):\(height):force_original_aspect_ratio=decrease,"
                + "pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2:color=0x202020,setsar=1,format=rgb24"
            if let label = labels[cell.frame] {
                let textFile = work + "/label-\(index).txt"
                do { try Data(label.utf8).write(to: URL(fileURLWithPath: textFile)) } catch {
                    throw WorkerError(.ioError, "cannot write \(textFile): \(error.localizedDescription)")
                }
                let font = FileManager.default.fileExists(atPath: Self.font) ? "fontfile=\(Self.font):" : ""
                chain += ",drawtext=\(font)textfile=\(textFile):fontsize=10:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=2:x=3:y=h-th-4"
            }
            filters.append(chain + "[c\(index)]")
        }
        filters.append(cells.indices.map { "[c\($0)]" }.joined() + "concat=n=\(cells.count):v=1:a=0,"
                       + "tile=\(columns)x\(rows):padding=4:margin=4:color=0x202020[sheet]")
        return cells.flatMap { ["-i", $0.file] } + ["-filter_complex", filters.joined(separator: ";"), "-map", "[sheet]",
                                                   "-frames:v", "1", "-update", "1", output]
    }

    /// Width and height of a PNG (from its header); nil for other formats.
    static func size(of file: String) -> (width: Int, height: Int)? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 24), header.count == 24,
              header.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        let bytes = [UInt8](header)
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        return width > 0 && height > 0 ? (width, height) : nil
    }
}
