; ERROR-AT: 5
; 'define' whose body never starts (file ends after the signature)
declare void @g()

define void @f()