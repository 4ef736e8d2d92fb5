/// LuaKit — see README "Architecture".
public enum LuaKitModule {}
