"""Rule plugins: the AD hooks (rules, inactive functions and globals, custom allocators),
hook-name checking, per-plugin supported releases, and the example third-party plugin
(plugins/example_gsl: GNU Scientific Library derivatives) end to end through
`enzyme-compat cc` with clang 14 and 22 (skipped when the plugin, libgsl-dev or the clang
is not installed)."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import types

import pytest

import enzyme_compat
from enzyme_compat.ad.driver import differentiate_module
from enzyme_compat.ad.errors import DifferentiationError, NoDerivativeError
from enzyme_compat.ad.hookspecs import hookimpl
from enzyme_compat.ad.rules import (AllocationLike, ForwardRule, RuleRegistry, ad_plugin_manager,
                                    registry_from)
from enzyme_compat.errors import EnzymeCompatError
from enzyme_compat.plugins import PluginError, UnknownHookError, make_plugin_manager


def _plugin(name: str, **attrs) -> types.ModuleType:
    """A plugin module named `name` with the given hook implementations and attributes."""
    m = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(m, key, hookimpl(value) if key.startswith("enzyme_compat_") else value)
    return m


def _cube(b, a, d):  # mystery(x) = x^3
    x = a[0]
    return b.fmul(d[0], b.binop("fmul", b.const(x, 3.0), b.binop("fmul", x, x)))


# ------------------------------------------------------------ registry contents
def test_allocation_like_record():
    a = AllocationLike("pool_alloc", 0, "pool_free")
    assert a.size_args == (0,) and a.free == "pool_free"
    assert AllocationLike("arena_calloc", [0, 1]).size_args == (0, 1)
    with pytest.raises(AttributeError):
        a.name = "other"  # frozen
    for bad in ((), (-1,), ("x",), None):
        with pytest.raises(DifferentiationError, match="size_args"):
            AllocationLike("f", bad)


def test_registry_globals_and_allocators():
    r = RuleRegistry([], inactive_globals=["log_buffer", "stats_*"],
                     allocations=[AllocationLike("pool_alloc", (0,), "pool_free"),
                                  AllocationLike("pool_calloc", (0, 1), "pool_free"),
                                  AllocationLike("pool_alloc", (0,), "pool_free")])
    assert r.is_inactive_global("log_buffer") and r.is_inactive_global("stats_calls")
    assert not r.is_inactive_global("weights") and not r.is_inactive_global("log_buffer2")
    assert r.allocation_like("pool_calloc") == AllocationLike("pool_calloc", (0, 1), "pool_free")
    assert r.allocation_like("malloc") is None  # the engine knows the C library's itself
    assert r.deallocation_like("pool_free") and not r.deallocation_like("pool_alloc")
    assert r.skipped_plugins == []
    with pytest.raises(DifferentiationError, match="disagree"):
        RuleRegistry([], allocations=[AllocationLike("a", (0,), "f"), AllocationLike("a", (1,), "f")])


def test_registry_from_collects_every_hook():
    plugin = _plugin(
        "third_party",
        enzyme_compat_forward_rules=lambda: [ForwardRule("function", "mystery", _cube)],
        enzyme_compat_inactive_functions=lambda: ["log_value", "trace_*"],
        enzyme_compat_inactive_globals=lambda: ["last_loss", "counters_*"],
        enzyme_compat_allocation_functions=lambda: [
            AllocationLike("pool_alloc", (0,), "pool_release"),
            ("pool_calloc", (0, 1), "pool_release")],  # a plain tuple is accepted too
    )
    r = registry_from(ad_plugin_manager(extra=[plugin]), 22)
    assert r.function("mystery") is not None and r.function("sin") is not None
    assert r.is_inactive_function("trace_enter") and r.is_inactive_function("log_value")
    assert r.is_inactive_global("last_loss") and r.is_inactive_global("counters_hits")
    assert r.allocation_like("pool_calloc").size_args == (0, 1)
    assert r.allocation_like("pool_alloc").free == "pool_release"
    assert r.deallocation_like("pool_release")


@pytest.mark.parametrize("hook, value, message", [
    ("enzyme_compat_inactive_globals", "counter", "iterable of global names"),
    ("enzyme_compat_inactive_functions", ["ok", 3], "function names"),
    ("enzyme_compat_allocation_functions", ["pool_alloc"], "AllocationLike"),
    ("enzyme_compat_forward_rules", [None], "ForwardRule"),
])
def test_malformed_hook_results(hook, value, message):
    pm = ad_plugin_manager(extra=[_plugin("broken", **{hook: lambda: value})])
    with pytest.raises(DifferentiationError, match=message):
        registry_from(pm, 22)


# ------------------------------------------------------------ checking hook names
def test_misspelled_hook_is_a_clear_error():
    plugin = _plugin("my_rules", enzyme_compat_forward_rule=lambda: [])
    with pytest.raises(UnknownHookError) as info:
        make_plugin_manager(extra=[plugin])
    e = info.value
    assert isinstance(e, PluginError) and isinstance(e, EnzymeCompatError)
    assert (e.plugin, e.hook, e.suggestion) == ("'my_rules'", "enzyme_compat_forward_rule",
                                                "enzyme_compat_forward_rules")
    assert str(e) == ("plugin 'my_rules' implements an unknown hook 'enzyme_compat_forward_rule': "
                      "did you mean 'enzyme_compat_forward_rules'?")


def test_misspelled_hook_on_an_object_plugin():
    class Rules:
        @staticmethod
        @hookimpl
        def enzyme_compat_inactive_global():
            return ["x"]

    with pytest.raises(UnknownHookError, match=r"plugin .*Rules.* 'enzyme_compat_inactive_global'"
                                               r".*did you mean 'enzyme_compat_inactive_globals'"):
        make_plugin_manager(extra=[Rules()], entry_points=False)


def test_unknown_hook_far_from_any_lists_the_hooks():
    with pytest.raises(UnknownHookError, match="the hooks are .*enzyme_compat_allocation_functions"):
        make_plugin_manager(extra=[_plugin("odd", completely_different=hookimpl(lambda: []))],
                            entry_points=False)


def test_optional_unknown_hook_is_accepted():
    """optionalhook=True: a hook this version of enzyme_compat may not define."""
    m = types.ModuleType("future_plugin")
    m.enzyme_compat_future_hook = hookimpl(optionalhook=True)(lambda: [])
    pm = make_plugin_manager(extra=[m], entry_points=False)
    assert m in pm.get_plugins()


def test_hook_with_unknown_argument_is_a_plugin_error():
    with pytest.raises(PluginError, match="'with_args'.*enzyme_compat_forward_rules"):
        make_plugin_manager(extra=[_plugin("with_args", enzyme_compat_forward_rules=lambda release: [])],
                            entry_points=False)


def test_builtin_plugins_pass_the_check():
    pm = make_plugin_manager()
    names = {pm.get_name(p) for p in pm.get_plugins()}
    assert {"rules_libm", "rules_reverse", "llvm22"} <= names


# ------------------------------------------------------------ per-plugin releases
def test_plugin_releases_switch_a_plugin_off():
    plugin = _plugin("mid_releases", ENZYME_COMPAT_RELEASES=">=12,<20",
                     enzyme_compat_forward_rules=lambda: [ForwardRule("function", "mystery", _cube)],
                     enzyme_compat_inactive_functions=lambda: ["log_value"],
                     enzyme_compat_inactive_globals=lambda: ["last_loss"],
                     enzyme_compat_allocation_functions=lambda: [AllocationLike("pool_alloc")])
    pm = ad_plugin_manager(extra=[plugin])
    for release in (12, 14, 19):
        r = registry_from(pm, release)
        assert r.function("mystery") is not None and r.is_inactive_function("log_value")
        assert r.is_inactive_global("last_loss") and r.allocation_like("pool_alloc") is not None
        assert ("mid_releases", ">=12,<20") not in r.skipped_plugins
    for release in (7, 11, 20, 23):
        r = registry_from(pm, release)
        assert r.function("mystery") is None and not r.is_inactive_function("log_value")
        assert not r.is_inactive_global("last_loss") and r.allocation_like("pool_alloc") is None
        assert ("mid_releases", ">=12,<20") in r.skipped_plugins
        assert r.function("sin") is not None  # the other plugins still count
    assert registry_from(pm, None).function("mystery") is not None  # None: every release


def test_plugin_releases_and_rule_releases_combine():
    from packaging.specifiers import SpecifierSet

    rule = ForwardRule("function", "mystery", _cube, releases=SpecifierSet(">=15"))
    pm = ad_plugin_manager(extra=[_plugin("p", ENZYME_COMPAT_RELEASES=">=12,<20",
                                          enzyme_compat_forward_rules=lambda: [rule])])
    assert [registry_from(pm, n).function("mystery") is not None for n in (13, 15, 19, 20)] == \
        [False, True, True, False]


def test_malformed_plugin_releases():
    with pytest.raises(PluginError, match="'bad_spec'.*ENZYME_COMPAT_RELEASES.*not a version specifier"):
        make_plugin_manager(extra=[_plugin("bad_spec", ENZYME_COMPAT_RELEASES="12 to 20")],
                            entry_points=False)


# ------------------------------------------------------------ the example GSL plugin
GSL_PROGRAM = r"""
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_sf_psi.h>

extern int enzyme_out;
extern double __enzyme_fwddiff(void *, ...);
typedef struct { double dx, dy; } grad2;
extern grad2 __enzyme_autodiff(void *, ...);

double f(double x, double y) {
  double s = gsl_sf_bessel_J0(x) * y + gsl_sf_bessel_J1(x * y) + gsl_sf_erf(x - y)
             + gsl_sf_erfc(y) + gsl_sf_log_1plusx(x * x) + gsl_sf_gamma(1.0 + y)
             + gsl_sf_lngamma(x + 2.0) + gsl_sf_psi(x + 1.0);
  gsl_sf_result r; /* the error-reporting form writes its result through a pointer */
  gsl_sf_bessel_J0_e(x * y, &r);
  return s + gsl_sf_bessel_Jn(3, y) * r.val;
}

int main(void) {
  int bad = 0;
  double points[3][2] = {{0.7, 1.3}, {2.5, 0.4}, {-1.1, 3.2}};
  for (int k = 0; k < 3; k++) {
    double x = points[k][0], y = points[k][1], h = 1e-6;
    double fx = (f(x + h, y) - f(x - h, y)) / (2 * h), fy = (f(x, y + h) - f(x, y - h)) / (2 * h);
    grad2 g = __enzyme_autodiff((void *)f, enzyme_out, x, enzyme_out, y);
    double tx = __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0);
    double ty = __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0);
    double got[4] = {g.dx, g.dy, tx, ty}, want[4] = {fx, fy, fx, fy};
    for (int i = 0; i < 4; i++) {
      double err = fabs(got[i] - want[i]) / fmax(1.0, fabs(want[i]));
      printf("%d %d %.15g %.15g %.2e\n", k, i, got[i], want[i], err);
      bad |= !(err < 1e-6);
    }
  }
  return bad;
}
"""


def _gsl_plugin_installed() -> bool:
    return any(ep.name == "gsl" for ep in importlib.metadata.entry_points(group="enzyme_compat"))


def _gsl_clang(release: int, tmp_path) -> str:
    """clang-N, skipping when it, the GSL plugin or libgsl-dev is missing."""
    if not _gsl_plugin_installed():
        pytest.skip("the example plugin is not installed: pip install ./plugins/example_gsl")
    exe = shutil.which(f"clang-{release}")
    if exe is None:
        pytest.skip(f"clang-{release} is not installed")
    probe = tmp_path / "probe.c"
    probe.write_text("#include <gsl/gsl_sf_bessel.h>\nint main(void) { return gsl_sf_bessel_J0(0.0) != 1.0; }\n")
    r = subprocess.run([exe, str(probe), "-lgsl", "-lgslcblas", "-lm", "-o", str(tmp_path / "probe")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("libgsl is not installed (apt-get install libgsl-dev)")
    return exe


@pytest.mark.parametrize("opt", ["-O2", "-O0"])
@pytest.mark.parametrize("clang", [14, 22])
def test_gsl_plugin_program(clang, opt, tmp_path):
    _gsl_clang(clang, tmp_path)
    src, exe = tmp_path / "prog.c", tmp_path / "prog"
    src.write_text(GSL_PROGRAM)
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", f"clang-{clang}", opt, str(src),
                        "-lgsl", "-lgslcblas", "-lm", "-o", str(exe)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(r.stdout.splitlines()) == 12


def test_gsl_plugin_states_its_releases():
    if not _gsl_plugin_installed():
        pytest.skip("the example plugin is not installed: pip install ./plugins/example_gsl")
    pm = ad_plugin_manager()
    for release in (7, 14, 23):
        r = registry_from(pm, release)
        assert r.function("gsl_sf_bessel_J0") is not None
        assert r.reverse("function", "gsl_sf_bessel_J0_e") is not None
        assert not any(name == "gsl" for name, _ in r.skipped_plugins)


@pytest.mark.parametrize("clang", [14, 22])
def test_gsl_program_without_the_plugin(clang, tmp_path):
    """The same program with a registry whose plugin manager leaves the GSL plugin out:
    a located error for each GSL function called, the first one first."""
    exe = _gsl_clang(clang, tmp_path)
    src, ll = tmp_path / "prog.c", tmp_path / "prog.ll"
    src.write_text(GSL_PROGRAM)
    subprocess.run([exe, "-O2", "-g", "-S", "-emit-llvm", str(src), "-o", str(ll)], check=True)
    registry = registry_from(ad_plugin_manager(exclude=["gsl"]), clang)
    assert registry.function("gsl_sf_bessel_J0") is None
    module = enzyme_compat.parse(ll.read_text(), str(ll))
    with pytest.raises(NoDerivativeError) as info:
        differentiate_module(module, clang, registry=registry)
    message = str(info.value)
    assert "no derivative rule for @gsl_sf_bessel_J0," in message
    line = next(n for n, text in enumerate(GSL_PROGRAM.splitlines(), 1) if "gsl_sf_bessel_J0(x)" in text)
    assert "in function @f" in message and f"prog.c:{line}:14)" in message, message
    assert all(f"@gsl_sf_{name}," in message for name in ("erf", "gamma", "psi", "bessel_Jn"))
    with_plugin = registry_from(ad_plugin_manager(), clang)
    module = enzyme_compat.parse(ll.read_text(), str(ll))
    assert len(differentiate_module(module, clang, registry=with_plugin)) == 3


# ------------------------------------------------ custom allocators and inactive globals
POOL = r"""
#include <stdlib.h>
void *pool_alloc(size_t n) { return malloc(n); }
void *pool_calloc(size_t n, size_t m) { return calloc(n, m); }
void pool_release(void *p) { free(p); }
"""

POOL_PROGRAM = r"""
#include <math.h>
#include <stdio.h>
#include <stddef.h>
extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
void *pool_alloc(size_t n);              /* defined in another file: no body here */
void *pool_calloc(size_t n, size_t m);
void pool_release(void *p);
double last_loss;                        /* a record of the last value, no derivative */

double loss(const double *x, int n) {
  double *t = pool_alloc(n * sizeof(double));
  double *u = pool_calloc(n, sizeof(double));
  for (int i = 0; i < n; i++) { t[i] = x[i] * x[i]; u[i] += sin(x[i]); }
  double s = 0;
  for (int i = 0; i < n; i++) s += t[i] * u[i];
  last_loss = s;
  pool_release(t);
  pool_release(u);
  return s;
}

int main(void) {
  double x[3] = {0.3, 1.2, -0.7}, dx[3] = {0}, v[3] = {1, 0, 0};
  __enzyme_autodiff((void *)loss, enzyme_dup, x, dx, enzyme_const, 3);
  double t = __enzyme_fwddiff((void *)loss, enzyme_dup, x, v, enzyme_const, 3);
  int bad = fabs(t - dx[0]) > 1e-12;
  for (int i = 0; i < 3; i++) {  /* d/dx x^2 sin x */
    double want = 2 * x[i] * sin(x[i]) + x[i] * x[i] * cos(x[i]);
    bad |= fabs(dx[i] - want) > 1e-12;
  }
  printf("%g %g %g %g\n", dx[0], dx[1], dx[2], t);
  return bad;
}
"""

_POOL_ALLOCATORS = [AllocationLike("pool_alloc", (0,), "pool_release"),
                    AllocationLike("pool_calloc", (0, 1), "pool_release")]


@pytest.mark.parametrize("clang", [14, 22])
def test_allocation_and_inactive_global_hooks(clang, tmp_path):
    """A pool allocator defined in another file and a global recording the last loss,
    declared by a plugin: each hook is needed (without it, a located error), and with
    both the gradient (reverse and forward mode) is right."""
    exe = shutil.which(f"clang-{clang}")
    if exe is None:
        pytest.skip(f"clang-{clang} is not installed")
    (tmp_path / "pool.c").write_text(POOL)
    (tmp_path / "prog.c").write_text(POOL_PROGRAM)
    ll = tmp_path / "prog.ll"
    subprocess.run([exe, "-O2", "-g", "-S", "-emit-llvm", str(tmp_path / "prog.c"), "-o", str(ll)], check=True)
    lines = POOL_PROGRAM.splitlines()
    store_line = {name: next(n for n, text in enumerate(lines, 1) if text.lstrip().startswith(start))
                  for name, start in (("alloc", "for (int i = 0; i < n; i++) { t[i]"), ("global", "last_loss ="))}
    allocators = _plugin("pool_allocators", enzyme_compat_allocation_functions=lambda: _POOL_ALLOCATORS)
    quiet = _plugin("quiet_globals", enzyme_compat_inactive_globals=lambda: ["last_loss"])
    for plugins, missing in (([quiet], "alloc"), ([allocators], "global")):
        module = enzyme_compat.parse(ll.read_text(), str(ll))
        with pytest.raises(DifferentiationError, match="no shadow") as info:
            differentiate_module(module, clang, registry=registry_from(ad_plugin_manager(extra=plugins), clang))
        assert f"prog.c:{store_line[missing]}:" in str(info.value), str(info.value)
    module = enzyme_compat.parse(ll.read_text(), str(ll))
    registry = registry_from(ad_plugin_manager(extra=[allocators, quiet]), clang)
    assert len(differentiate_module(module, clang, registry=registry)) == 2
    out = tmp_path / "out.ll"
    out.write_text(module.to_text(release=clang))
    subprocess.run([exe, "-O1", str(out), str(tmp_path / "pool.c"), "-lm", "-o", str(tmp_path / "prog")], check=True)
    r = subprocess.run([str(tmp_path / "prog")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
