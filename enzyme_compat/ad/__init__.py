"""Automatic differentiation of LLVM IR: forward mode (`__enzyme_fwddiff`) and reverse
mode (`__enzyme_autodiff`, split mode).

abi (the Enzyme C ABI), activity, types_analysis, rules (the rule registry, filled by
plugins), builder (what rules emit), forward (the engine), reverse (the gradient engine), tape,
reverse_builder, driver and driver_reverse (lowering the calls),
jit (run a function from Python), check (tangents vs finite differences).
"""

from .driver import autodiff, differentiate_module, fwddiff
from .jit import jit
from .errors import (DifferentiationError, EnzymeABIError, NoDerivativeError, ShadowError,
                     TypeAnalysisError, UnsupportedInstructionError)

__all__ = ["autodiff", "fwddiff", "differentiate_module", "jit", "DifferentiationError", "EnzymeABIError",
           "NoDerivativeError", "ShadowError", "TypeAnalysisError", "UnsupportedInstructionError"]
