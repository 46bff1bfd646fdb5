"""Fast-math flag keywords, shared by the release plugins that extend where they may appear."""

FAST_MATH_FLAGS = ("fast", "nnan", "ninf", "nsz", "arcp", "contract", "afn", "reassoc")


def fmf_on(opcode):
    return {(opcode, f) for f in FAST_MATH_FLAGS}
