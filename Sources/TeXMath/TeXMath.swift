public enum TeXMath {}
