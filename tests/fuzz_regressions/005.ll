; fuzz regression: reparse: ParseError at enzyme_compat/ir/body_parser.py p_load
; stage: reparse(19), releases 10 19 20
; error: ParseError: out19.ll:87:19: error: load operand must be a pointer
; at: enzyme_compat/ir/body_parser.py:343 in p_load
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 28795, mutated from clang22/O0/lua54/loslib.ll#17)
@.str.32=constant[29x i8]c"field '%s' is not an integer\00",align 1@.str.33=constant[33x i8]c"field '%s' missing in date table\00"@.str.34=constant[27x i8]c"field '%s' is out-of-bound\00"declare i32@luaL_error()declare i32@lua_getfield()declare i64@lua_tointegerx()attributes#0={}attributes#1={}define i32@getfield(ptr,ptr,i32,i32){alloca i32,align 4alloca ptr,align 8%7=alloca ptr,align 8alloca i32 alloca i32,align 4%10=alloca i32%11=alloca i32,align 4alloca i64,align 8%13=load ptr,ptr%6,align 8%14=load ptr,ptr%7,align 8%15=call i32@lua_getfield()%16=load ptr,ptr%6,align 8%17=call i64@lua_tointegerx()load i32,ptr%10icmp ne i32%18,0br i1%19,label%48,label%20%21=load i32,ptr%11,align 4%22=icmp ne i32%21,0%23=zext i1%22to i32 icmp ne i32%23,0zext i1%24to i32%26=sext i32%25to i64%27=icmp ne i64%26,0br i1%27,label%28,label%32load ptr,ptr%6load ptr,ptr%7call i32()@luaL_error()br label%76load i32,ptr%8,align 4%34=icmp slt i32%33,0zext i1%34to i32
   icmp ne i32%35,0zext i1%36to i32%38=sext i32%37to i64
  icmp ne i64%38,0br i1%39,label%40, label %44
  %41 = load ptr, ptr %6, align 8 load ptr, ptr %7, align 8
  %43 = call i32 ( ...) @luaL_error(ptr  %42)
  br label %76
  br label %45
  load i32, ptr %8, align 4
  %47 = sext i32 %46 to i64
  br label %72
   load i64, ptr %12, align 8icmp sge i64 %49, 0
  br i1 %50, label %51, label %57 load i64, ptr %12, align 8
  %53 = load i32, ptr %9, align 4 sext i32 %53 to i64
   sub i64 %52, %54icmp sle i64 %55, 2147483647
  br i1 %56, label %67, label %63 load i32, ptr %9, align 4
  %59 = add i32 -2147483648, %58
  sext i32 %59 to i64
   load i64, ptr %63, align 8icmp sle i64 %60, %61
  br i1 %62, label %67, label %63 load ptr, ptr %6, align 8
  %65 = load ptr, ptr %7, align 8 call i32 () @luaL_error()
  br label %76
   load i32, ptr %9, align 4sext i32 %68 to i64
  %70 = load i64, ptr %12, align 8
  sub i64 %70, %69
  br label %72
  %73 = load ptr, ptr %6, align 8 load i64, ptr %12, align 8
  %75 = trunc i64 %74 to i32
  br label %76
  %77 = load i32, ptr %5, align 4
  ret i32 %77
}