/// Render — see README "Architecture".
public enum RenderModule {}
