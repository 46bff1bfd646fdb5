! Fortran routines differentiated from C (tests/test_frontends.py): bind(C), real(8)
! scalars by reference, explicit-shape arrays with the length by value.

function fpoly(x) bind(C, name="fpoly") result(y)
  use iso_c_binding
  real(c_double), intent(in) :: x
  real(c_double) :: y
  y = 3.0d0*x**3 - 2.0d0*x + 1.0d0
end function

function fsum(x, n) bind(C, name="fsum") result(y)
  use iso_c_binding
  integer(c_int), value :: n
  real(c_double), intent(in) :: x(n)
  real(c_double) :: y
  integer :: i
  y = 0.0d0
  do i = 1, n
    y = y + real(i, c_double)*x(i)*x(i)
  end do
end function

function fintr(x) bind(C, name="fintr") result(y)
  use iso_c_binding
  real(c_double), intent(in) :: x
  real(c_double) :: y
  y = sin(x)*exp(x) + sqrt(x)
end function

subroutine fscale(x, y, n) bind(C, name="fscale")
  use iso_c_binding
  integer(c_int), value :: n
  real(c_double), intent(in) :: x(n)
  real(c_double), intent(out) :: y(n)
  integer :: i
  do i = 1, n
    y(i) = 2.0d0*x(i)**2
  end do
end subroutine
