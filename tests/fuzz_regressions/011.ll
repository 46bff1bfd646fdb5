; fuzz regression: reparse: ParseError at enzyme_compat/ir/body_parser.py p_load
; stage: reparse(7), releases 7 9 22
; error: ParseError: out7.ll:33:18: error: explicit pointee type 'i64' does not match the pointer operand type '%struct.luaL_Buffer*'
; at: enzyme_compat/ir/body_parser.py:345 in p_load
; found by: python tools/fuzz_parser.py --seed 1 at bea973a (input 11139, mutated from clang14/O0/lua54/lauxlib.ll#59)
%struct.lua_State=type opaque%struct.luaL_Buffer=type{i64,i64,%union.anon}%union.anon=type{[1016x i8]}@.str.55=constant[17x i8]c"buffer too large\00",align 1attributes#0={}declare i32@luaL_error()define i64@newbuffsize(%struct.luaL_Buffer*,i64){alloca i64,align 8alloca%struct.luaL_Buffer,align 8%5=alloca i64,align 8alloca i64,align 8load%struct.luaL_Buffer*,%struct.luaL_Buffer**%4,align 8%8=getelementptr%struct.luaL_Buffer,%struct.luaL_Buffer*%7,i32 0,i32 1load i64,i64*%0,align 8%10=udiv i64%9,2mul i64%10,3load i64,i64*%5,align 8sub i64 -1,%12load%struct.luaL_Buffer*,%struct.luaL_Buffer**%4,align 8%15=getelementptr%struct.luaL_Buffer,%struct.luaL_Buffer*%14,i32 0,i32 2load i64,i64*%15,align 8%17=icmp ult i64%13,%16%18=zext i1%17to i32
  icmp ne i32%18,0%20=zext i1%19to i32 sext i32%20to i64%22=icmp ne i64%21,0br i1%22,label%23,label%29%24=load%struct.luaL_Buffer*,%struct.luaL_Buffer**%4,align 8%25=getelementptr%struct.luaL_Buffer,%struct.luaL_Buffer*%24,i32 3load%struct.lua_State*,%struct.lua_State**%25,align 8%27=call i32(%struct.lua_State,...)@luaL_error(%struct.lua_State*%26,i8 getelementptr([17x i8],[17x i8]@.str.55,i64 0,i64 0))%28=sext i32%27to i64
  br label%45%30=load i64,i64*%6,align 8load%struct.luaL_Buffer*,%struct.luaL_Buffer**%4,align 8%32=getelementptr%struct.luaL_Buffer,%struct.luaL_Buffer*%31,i32 0,i32 2load i64,i64*%32,align 8
  %34 = load i64, i64* %5, align 8
  %35 = add i64 %33, %34
  %36 = icmp ult i64 %30, %35
  br i1 %36, label %37, label %43
  %38 = load %struct.luaL_Buffer*, %struct.luaL_Buffer** %4, align 8
  %39 = getelementptr %struct.luaL_Buffer, %struct.luaL_Buffer* %38,  i32 2 load i64, i64* %39, align 8
  load i64, i64* %5, align 8
  %42 = add i64 %40, %41
  br label %43
  %44 = load i64, i64* %6, align 8
  br label %45
  %46 = load i64, i64* %3ret i64 %46
}