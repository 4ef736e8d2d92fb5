import Testing
@testable import RenderPlan

@Suite("Blender versions and which Blender can open which file")
struct BlenderVersionTests {
    @Test("parsed from --version lines, bpy's version string, file versions and plain numbers")
    func parsing() {
        #expect(BlenderVersion(parsing: "Blender 3.4.1") == BlenderVersion(3, 4, 1))
        #expect(BlenderVersion(parsing: "3.4.1") == BlenderVersion(3, 4, 1))
        #expect(BlenderVersion(parsing: "4.5.15 LTS") == BlenderVersion(4, 5, 15))
        #expect(BlenderVersion(parsing: "5.0") == BlenderVersion(5, 0))
        #expect(BlenderVersion(parsing: "405") == BlenderVersion(4, 5))
        #expect(BlenderVersion(parsing: "279") == BlenderVersion(2, 79))
        #expect(BlenderVersion(parsing: "4.x") == nil)
        #expect(BlenderVersion(parsing: "") == nil)
        #expect(BlenderVersion(fileVersion: 500).description == "5.0")
        #expect(BlenderVersion(4, 2, 23).description == "4.2.23")
    }

    @Test("ordered by major, minor, then patch; a file's release line ignores the patch")
    func ordering() {
        #expect(BlenderVersion(3, 4, 1) < BlenderVersion(4, 2))
        #expect(BlenderVersion(4, 2, 23) < BlenderVersion(4, 5, 0))
        #expect(BlenderVersion(2, 79) < BlenderVersion(2, 80))
        #expect(BlenderVersion(4, 5, 3).series == BlenderVersion(4, 5))
    }

    @Test("compatible when the renderer is the file's line or newer; a newer minor warns; a newer major refuses")
    func compatibility() {
        #expect(BlenderCompatibility(file: BlenderVersion(4, 5), renderer: BlenderVersion(4, 5, 0)) == .compatible)
        #expect(BlenderCompatibility(file: BlenderVersion(3, 4), renderer: BlenderVersion(5, 0, 1)) == .compatible)
        #expect(BlenderCompatibility(file: BlenderVersion(4, 5), renderer: BlenderVersion(4, 2, 23))
                == .newerMinor(file: BlenderVersion(4, 5), renderer: BlenderVersion(4, 2, 23)))
        #expect(BlenderCompatibility(file: BlenderVersion(5, 0), renderer: BlenderVersion(3, 4, 1))
                == .tooOld(file: BlenderVersion(5, 0), renderer: BlenderVersion(3, 4, 1)))
        #expect(BlenderCompatibility(file: BlenderVersion(4, 2), renderer: BlenderVersion(3, 4, 1))
                == .tooOld(file: BlenderVersion(4, 2), renderer: BlenderVersion(3, 4, 1)))
    }
}
