"""Built-in plugins of enzyme_compat: one module per LLVM release 7..23, each stating what
its release changed in textual IR. Registered through the `enzyme_compat` entry points."""
