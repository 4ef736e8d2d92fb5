/// Scripting — see README "Architecture".
public enum ScriptingModule {}
