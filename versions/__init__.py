"""Data per LLVM release (``llvmN.toml``), installed as the ``enzyme_compat_versions`` package."""
