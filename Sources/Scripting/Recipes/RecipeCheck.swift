import LuaKit

/// `blendbatch recipes check FILE`: the declaration is valid and the whole file compiles — without
/// running any of it.
public enum RecipeCheck {
    /// The declaration (nil for a plain script) after checking that the file compiles.
    @discardableResult
    public static func check(_ source: RecipeSource) throws -> RecipeDeclaration? {
        let declaration = try source.declaration()
        let lua = try LuaState(libraries: .bare, memoryLimit: 64 << 20)
        do {
            try lua.load(source.text, name: source.chunkName)
        } catch let error as LuaError {
            throw RecipeError.badDeclaration(error.message)
        }
        return declaration
    }
}
