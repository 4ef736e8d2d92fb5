import Crypto
import Foundation
import ObjectStore
import RenderPlan

/// What makes a frame's pixels: the .blend's content, the scene, the settings that change the image,
/// the file format and the Blender release. Frames carry it (`OutputSpec.fingerprintKey`), so a render
/// skips only frames made the same way; a folder never mixes a 50 % render with a 100 % one.
/// Threads, persistent data and the device do not change the image and are left out.
public enum FrameFingerprint {
    /// 16 hex digits of a SHA-256 over the inputs, in a fixed order. `input` is a local path (hashed by
    /// content) or a store URL (taken as named).
    public static func make(input: String, scene: String?, overrides: RenderOverrides, format: String,
                            blender: BlenderVersion?) throws -> String {
        let content = input.contains("://") ? input : try FileDigest.sha256Hex(ofFile: input)
        let o = overrides
        let parts: [String] = [
            "blend=\(content)", "scene=\(scene ?? "")", "format=\(format.uppercased())",
            "percent=\(o.resolutionPercentage.map(String.init) ?? "")", "x=\(o.resolutionX.map(String.init) ?? "")",
            "y=\(o.resolutionY.map(String.init) ?? "")", "samples=\(o.samples.map(String.init) ?? "")",
            "engine=\(o.engine ?? "")", "camera=\(o.camera ?? "")", "denoise=\(o.denoise.map { "\($0)" } ?? "")",
            "blender=\(blender?.description ?? "")",
        ]
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\n").utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
