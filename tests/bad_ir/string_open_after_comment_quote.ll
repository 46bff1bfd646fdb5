; ERROR-AT: 5
; a string left open after a comment that holds a quote: the error is reported at the
; string, not inside the comment (a comment always runs to the end of its line)
@s = global i32 0 ; the comment's quote: "
"
