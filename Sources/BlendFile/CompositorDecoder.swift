/// Finds where a scene's compositor writes files of its own: the File Output nodes of its node tree
/// (`Scene.nodetree → bNodeTree.nodes`, each `CompositorNodeOutputFile`'s `NodeImageMultiFile.base_path`).
/// Blender writes those beside, not into, the render's output, so nothing that renders the scene
/// elsewhere collects them. The tree and its nodes are DATA blocks of the scene (§7 rule 2).
struct CompositorDecoder {
    let decoder: BlendDecoder
    let block: Int
    let scene: StructView
    /// Nodes visited in one tree, at most (a guard against hostile files).
    static let maxNodes = 100_000
    /// `NODE_MUTED` in `bNode.flag`.
    static let mutedFlag = 1 << 9

    /// The base paths of the scene's File Output nodes that are not muted, in node order; empty when
    /// the scene does not use compositing nodes.
    func fileOutputPaths() -> [String] {
        guard (scene.integer("use_nodes") ?? 0) != 0 else { return [] }
        var data: [UInt64: Int] = [:]
        let blocks = decoder.file.blocks
        var j = block + 1
        while j < blocks.count, blocks[j].owner == block {
            if data[blocks[j].header.old] == nil { data[blocks[j].header.old] = j }
            j += 1
        }
        func view(_ old: UInt64) -> StructView? { data[old].flatMap { decoder.view(of: $0) } }
        guard let tree = view(scene.pointer("nodetree") ?? 0) else { return [] }
        var paths: [String] = []
        var visited = Set<UInt64>()
        var next = tree.sub("nodes")?.pointer("first") ?? 0
        while next != 0, visited.insert(next).inserted, visited.count <= Self.maxNodes, let node = view(next) {
            let isFileOutput = node.string("idname") == "CompositorNodeOutputFile"
            let muted = (node.integer("flag") ?? 0) & Self.mutedFlag != 0
            if isFileOutput, !muted, let path = view(node.pointer("storage") ?? 0)?.string("base_path") {
                paths.append(path)
            }
            next = node.pointer("next") ?? 0
        }
        return paths
    }
}
