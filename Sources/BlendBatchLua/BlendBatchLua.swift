/// BlendBatchLua — see README "Architecture".
public enum BlendBatchLuaModule {}
