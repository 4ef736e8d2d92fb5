/// A block kept after the scan: its header and the payload bytes the reader decodes
/// (the whole payload, or just a prefix for blocks needed only for their ID name).
struct Block {
    let header: BlockHeader
    let payload: [UInt8]
    /// Index (in `ScannedFile.blocks`) of the ID block whose DATA run this block belongs to.
    let owner: Int?
}

/// The result of one pass over the decoded stream.
struct ScannedFile {
    let header: BlendHeader
    var blocks: [Block] = []
    var dna: Block?
    var glob: Block?
    var rend: [Block] = []
}

/// One forward pass over the blocks (§4, §12 step 3): keeps the payloads of the blocks the
/// reader decodes and skips (seeks past, where the stream can) everything else.
enum BlockScanner {
    /// ID codes whose whole block is decoded: scenes and dependency carriers (what `DependencyDecoder` reads).
    static let wholeIDs: [UInt32] = [BlockCode.SC, BlockCode.IM, BlockCode.LI, BlockCode.MC, BlockCode.SO, BlockCode.VF, BlockCode.CF]
    /// ID codes needed only for their name (a scene's camera): a prefix covering `ID.name`.
    static let namedIDs: [UInt32] = [BlockCode.OB, BlockCode.ID]
    static let namePrefix = 1024
    /// Most payload bytes kept in all, across every block: a small compressed file whose kept
    /// blocks inflate to gigabytes is refused instead of exhausting memory.
    static let maxRetained = 48 << 20
    /// Largest DNA1 catalogue accepted (Blender 3.0 writes 0.1 MiB); parsing one costs a few
    /// times its size.
    static let maxCatalogue = 1 << 20
    /// Largest DATA block kept under a scene (sequencer strips, …); larger ones are skipped.
    static let maxKeptSceneData = 16 << 20

    static func scan(_ stream: ByteStream) throws(StreamFailure) -> ScannedFile {
        do {
            let first = try stream.read(12)
            if first.isEmpty { throw StreamFailure(kind: .empty) }
            var headerBytes = first
            if first.count == 12, first[7] != UInt8(ascii: "_"), first[7] != UInt8(ascii: "-"),
               first.starts(with: Array("BLENDER".utf8)) {
                headerBytes += try stream.read(5)
            }
            let header = try BlendHeader.parse(headerBytes)
            if headerBytes.count > header.size { throw StreamFailure(kind: .unknownHeader("BLENDER")) }
            return try scanBlocks(stream, header: header)
        } catch let failure as StreamFailure {
            throw failure
        } catch {
            throw StreamFailure(kind: .decompression("\(error)"))
        }
    }

    private static func scanBlocks(_ stream: ByteStream, header: BlendHeader) throws -> ScannedFile {
        var file = ScannedFile(header: header)
        let headSize = header.blockHeaderSize
        var currentID: Int?          // index in file.blocks of the last kept ID block
        var currentIDCode: UInt32?   // code of the last ID block seen (kept or not)
        var raw: [UInt8] = []        // one buffer for every block header
        var retained = 0             // payload bytes kept so far
        while true {
            let offset = stream.position
            try stream.read(headSize, into: &raw)
            if raw.isEmpty { break }  // no ENDB: Blender stops at the end of the data too
            if raw.count < headSize {
                // A short final ENDB (old writers) is accepted, as Blender and BAT do.
                if raw.count >= 4, raw.starts(with: Array("ENDB".utf8)) { break }
                throw StreamFailure(kind: .truncatedBlockHeader(offset: offset))
            }
            let h = BlockHeader.parse(raw, header: header, offset: offset)
            if h.code4 == BlockCode.ENDB { break }
            let payloadStart = offset + headSize
            if h.length < 0 { throw StreamFailure(kind: .badLength(code: h.code, offset: offset, length: h.length)) }
            if let total = stream.knownLength, Int64(total - payloadStart) < h.length {
                // Longer than the whole file: a bad length field; otherwise the file was cut.
                throw StreamFailure(kind: h.length > Int64(total) ? .badLength(code: h.code, offset: offset, length: h.length)
                                                                  : .truncated(code: h.code, offset: offset))
            }
            let length = Int(h.length)

            let code = h.code4
            if h.isID { currentIDCode = code; currentID = nil }
            else if code != BlockCode.DATA { currentIDCode = nil; currentID = nil }
            var keep = 0
            var owner: Int?
            if code == BlockCode.DATA {
                if currentIDCode == BlockCode.SC && currentID != nil && length <= maxKeptSceneData { keep = length; owner = currentID }
            } else if code == BlockCode.DNA1 || code == BlockCode.GLOB || code == BlockCode.REND || wholeIDs.contains(code) {
                keep = length
            } else if namedIDs.contains(code) {
                keep = min(length, namePrefix)
            }
            if code == BlockCode.DNA1 && keep > maxCatalogue {
                throw StreamFailure(kind: .corrupt("DNA1 at offset \(offset) is \(length) bytes, more than the \(maxCatalogue >> 20) MiB catalogue this reader accepts"))
            }
            retained += keep
            if retained > maxRetained {
                throw StreamFailure(kind: .corrupt("the blocks this reader decodes exceed \(maxRetained >> 20) MiB at block \(h.code) (offset \(offset)): a hostile or damaged file"))
            }
            var payload: [UInt8] = []
            if keep > 0 {
                payload = try stream.read(keep)
                if payload.count < keep { throw StreamFailure(kind: .truncated(code: h.code, offset: offset)) }
            }
            if length > keep, try stream.skip(length - keep) < length - keep {
                throw StreamFailure(kind: .truncated(code: h.code, offset: offset))
            }
            guard keep > 0 else { continue }
            let block = Block(header: h, payload: payload, owner: owner)
            switch code {
            case BlockCode.DNA1: file.dna = block
            case BlockCode.GLOB: file.glob = block
            case BlockCode.REND: file.rend.append(block)
            default:
                if h.isID { currentID = file.blocks.count }
                file.blocks.append(block)
            }
        }
        return file
    }
}
