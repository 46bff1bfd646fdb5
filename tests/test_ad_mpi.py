"""MPI programs differentiated in forward and reverse mode (plugins/rules_mpi.py).

Each program in tests/ad_mpi/ is built by `enzyme-compat cc` with Open MPI's compile and
link flags (`mpicc --showme:...`) at -O0 and -O2 and run with `mpirun -np 1` and `-np 2`;
each rank checks its gradients against the serial program's (1e-12 relative) and against
central finite differences. Skipped when mpicc, mpirun or a clang with opaque pointers
(15+) is missing (CI installs libopenmpi-dev and openmpi-bin).
"""

from __future__ import annotations

import os
import pathlib
import shlex
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "ad_mpi"
PROGRAMS = sorted(p.stem for p in HERE.glob("*.c"))
CLANGS = [c for c in ("clang-22", "clang-19", "clang-16", "clang-15") if shutil.which(c)]

pytestmark = pytest.mark.skipif(
    not (shutil.which("mpicc") and shutil.which("mpirun") and CLANGS),
    reason="needs mpicc and mpirun (Open MPI) and clang 15+")

# Open MPI refuses root without these; a 2-core machine may have fewer slots than ranks
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def _mpicc(what):
    r = subprocess.run(["mpicc", f"--showme:{what}"], capture_output=True, text=True)
    return shlex.split(r.stdout)


@pytest.fixture(scope="module", params=["O0", "O2"])
def binaries(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"mpi_{request.param}")
    built = {}
    for name in PROGRAMS:
        exe = out / name
        cmd = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", CLANGS[0],
               f"-{request.param}", *_mpicc("compile"), f"-I{HERE}", str(HERE / f"{name}.c"),
               *_mpicc("link"), "-lm", "-o", str(exe)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
        built[name] = exe
    return built


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("program", PROGRAMS)
def test_mpi_gradients(binaries, program, ranks):
    r = subprocess.run(["mpirun", "--oversubscribe", "-np", str(ranks), str(binaries[program])],
                       capture_output=True, text=True, env=ENV, timeout=120)
    assert r.returncode == 0 and "FAIL" not in r.stdout, r.stdout + r.stderr
    assert f"ranks={ranks} failures=0" in r.stdout, r.stdout
