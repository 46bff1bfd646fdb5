"""Fortran's runtime as data (for IR from flang's `-S -emit-llvm`).

flang lowers I/O, STOP and runtime error reports to calls of `_FortranA*` functions in
its runtime library. Those that compute no floats that matter are inactive here: list-
directed and formatted I/O (`_FortranAio*`: a `print *, x` inside a differentiated
routine), STOP / ERROR STOP / PAUSE, runtime error reports and the program's start and
end. Names ending in `*` are prefixes.

Whole-array assignments at -O0 (`y = 2*x**2` on arrays) go through
`_FortranAAssign(dst descriptor, src descriptor, file, line)`, which copies floats
between descriptors: it is not inactive and has no rule, so differentiating such a routine
is refused with its name. Write the loop (`do i = 1, n`), or compile with -O1 and above,
where flang inlines the assignment.
"""

from enzyme_compat.ad.hookspecs import ad_hookimpl

FORTRAN_INACTIVE = (
    "_FortranAio*",  # BeginExternalListOutput, OutputReal64, EndIoStatement, ...
    "_FortranAStopStatement*", "_FortranAFailImageStatement", "_FortranAPauseStatement*",
    "_FortranAExit", "_FortranAAbort", "_FortranAReportFatalUserError",
    "_FortranAProgramStart", "_FortranAProgramEndStatement",
    "_FortranACrash*", "_FortranAReportError*",
    "_FortranADateAndTime", "_FortranACpuTime", "_FortranASystemClock*",
    "_FortranAGetCommand*", "_FortranAGetEnvVariable", "_FortranAArgumentCount",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return FORTRAN_INACTIVE
