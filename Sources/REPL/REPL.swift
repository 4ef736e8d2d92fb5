/// REPL — see README "Architecture".
public enum REPLModule {}
