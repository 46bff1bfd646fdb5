"""Automatic differentiation of LLVM IR (forward mode so far: `__enzyme_fwddiff`).

abi (the Enzyme C ABI), activity, types_analysis, rules (the rule registry, filled by
plugins), builder (what rules emit), forward (the engine), driver (lowering the calls),
jit (run a function from Python), check (tangents vs finite differences).
"""

from .driver import differentiate_module, fwddiff
from .jit import jit
from .errors import (DifferentiationError, EnzymeABIError, NoDerivativeError, ShadowError,
                     TypeAnalysisError, UnsupportedInstructionError)

__all__ = ["fwddiff", "differentiate_module", "jit", "DifferentiationError", "EnzymeABIError",
           "NoDerivativeError", "ShadowError", "TypeAnalysisError", "UnsupportedInstructionError"]
