/// BlendFile — see README "Architecture".
public enum BlendFileModule {}
