! Fortran array syntax differentiated from C (tests/test_frontends.py): at -O0 flang
! calls its runtime on array descriptors (_FortranAAssign for whole-array assignments,
! _FortranASumReal8, _FortranADotProductReal8); at -O1 and above it inlines them.

subroutine faxpb(a, x, b, y, n) bind(C, name="faxpb")
  use iso_c_binding
  integer(c_int), value :: n
  real(c_double), intent(in) :: a, x(n), b(n)
  real(c_double), intent(out) :: y(n)
  y = a*x + b
end subroutine

function fsq(x, n) bind(C, name="fsq") result(s)
  use iso_c_binding
  integer(c_int), value :: n
  real(c_double), intent(in) :: x(n)
  real(c_double) :: s
  s = sum(x**2)
end function

function fdot(x, w, n) bind(C, name="fdot") result(s)
  use iso_c_binding
  integer(c_int), value :: n
  real(c_double), intent(in) :: x(n), w(n)
  real(c_double) :: s
  real(c_double) :: t(n)
  integer :: i
  t = x
  do i = 1, n
    t(i) = t(i) * x(i)
  end do
  s = dot_product(t, w) + sum(t)
end function
