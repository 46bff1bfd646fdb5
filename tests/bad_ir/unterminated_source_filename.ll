; ERROR-AT: 4
; source_filename whose string is never closed
; ModuleID = 'a.c'
source_filename = "a.c