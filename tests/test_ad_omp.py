"""OpenMP programs differentiated in forward and reverse mode (plugins/rules_openmp.py).

Each program in tests/ad_omp/ (a dot product with `reduction(+:s)`, a 1-D stencil as
`parallel for` regions forked from a time loop and as one `parallel` region with `omp for`
loops, barriers and `single`) is built by `enzyme-compat cc -fopenmp` with every clang
15+ whose OpenMP runtime is installed (libomp-N-dev) at -O0 and -O2 and run with
OMP_NUM_THREADS=1 and 2; each checks its gradients and tangents against the serial
program's (1e-12 relative) and against central finite differences. Constructs without
derivative rules are refused with located errors. Skipped without a clang that links
-fopenmp programs (CI installs libomp-22-dev; Debian's libomp-N-dev packages exclude one
another, so usually one clang qualifies).
"""

from __future__ import annotations

import functools
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "ad_omp"
PROGRAMS = sorted(p.stem for p in HERE.glob("*.c"))


@functools.lru_cache(maxsize=None)
def _links_openmp(clang: str, tmp: str) -> bool:
    src = pathlib.Path(tmp) / "probe.c"
    src.write_text("#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n")
    r = subprocess.run([clang, "-fopenmp", str(src), "-o", str(src.with_suffix(""))],
                       capture_output=True, text=True)
    return r.returncode == 0 and subprocess.run([str(src.with_suffix(""))]).returncode == 0


def _clangs(tmp) -> list[str]:
    return [c for c in ("clang-22", "clang-19", "clang-16", "clang-15")
            if shutil.which(c) and _links_openmp(c, str(tmp))]


@pytest.fixture(scope="module")
def clangs(tmp_path_factory):
    found = _clangs(tmp_path_factory.mktemp("omp_probe"))
    if not found:
        pytest.skip("needs a clang 15+ that links -fopenmp programs (libomp-N-dev)")
    return found


def _cc(clang, opt, src, exe, *extra):
    cmd = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", clang, f"-{opt}", "-fopenmp",
           f"-I{HERE}", *extra, str(src), "-lm", "-o", str(exe)]
    return cmd, subprocess.run(cmd, capture_output=True, text=True)


@pytest.fixture(scope="module", params=["O0", "O2"])
def binaries(request, clangs, tmp_path_factory):
    """{(clang, program): executable} at one optimization level."""
    out = tmp_path_factory.mktemp(f"omp_{request.param}")
    built = {}
    for clang in clangs[:2]:  # the newest two with a working OpenMP runtime
        for name in PROGRAMS:
            exe = out / f"{name}_{clang}"
            cmd, r = _cc(clang, request.param, HERE / f"{name}.c", exe)
            assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
            built[clang, name] = exe
    return built


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("program", PROGRAMS)
def test_omp_gradients(binaries, program, threads):
    for (clang, name), exe in sorted(binaries.items()):
        if name != program:
            continue
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_DYNAMIC="false")
        r = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0 and "FAIL" not in r.stdout, f"{clang}:\n{r.stdout}{r.stderr}"
        assert f"threads={threads} failures=0" in r.stdout, f"{clang}:\n{r.stdout}"


_TASK = """
extern void __enzyme_autodiff(void *, ...);
extern int enzyme_dup;
void tasks(double *x, int n) {
#pragma omp parallel
#pragma omp single
  for (int i = 0; i < n; i++) {
#pragma omp task firstprivate(i)
    x[i] = x[i] * x[i];
  }
}
int main(void) {
  double x[4] = {1, 2, 3, 4}, dx[4] = {1, 1, 1, 1};
  __enzyme_autodiff((void *)tasks, enzyme_dup, x, dx, 4);
  return 0;
}
"""

_FIRSTPRIVATE = """
extern double __enzyme_fwddiff(void *, ...);
double scale(double *x, int n, double c) {
  double s = 0;
#pragma omp parallel for firstprivate(c) reduction(+:s)
  for (int i = 0; i < n; i++) s += c * x[i];
  return s;
}
int main(void) {
  double x[4] = {1, 2, 3, 4}, dx[4] = {1, 1, 1, 1};
  return (int)__enzyme_fwddiff((void *)scale, x, dx, 4, 2.0, 1.0);
}
"""


@pytest.mark.parametrize("source, expected", [
    (_TASK, "@__kmpc_omp_task_alloc: this OpenMP construct (tasks, teams, a conditional "
            "parallel region) has no derivative yet"),
    (_FIRSTPRIVATE, "captured value 2 carries a derivative and is passed by value"),
], ids=["task", "firstprivate-float"])
def test_omp_refused(clangs, tmp_path, source, expected):
    src = tmp_path / "refused.c"
    src.write_text(source)
    cmd, r = _cc(clangs[0], "O2", src, tmp_path / "refused")
    assert r.returncode == 1, r.stdout + r.stderr
    assert expected in r.stderr and "refused.c:" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
