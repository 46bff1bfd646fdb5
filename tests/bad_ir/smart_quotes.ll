; ERROR-AT: 4
; typographic quotes pasted from a document
; ModuleID = 'a.c'
source_filename = “a.c”

define void @f() {
  ret void
}
