"""Automatic differentiation of LLVM IR (forward mode so far: `__enzyme_fwddiff`).

abi (the Enzyme C ABI), activity, types_analysis, rules (the rule registry, filled by
plugins), builder (what rules emit), forward (the engine), driver (lowering the calls).
"""

from .driver import differentiate_module, fwddiff
from .errors import (DifferentiationError, EnzymeABIError, NoDerivativeError, ShadowError,
                     UnsupportedInstructionError)

__all__ = ["fwddiff", "differentiate_module", "DifferentiationError", "EnzymeABIError",
           "NoDerivativeError", "ShadowError", "UnsupportedInstructionError"]
