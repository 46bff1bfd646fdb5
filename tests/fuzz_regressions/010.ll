; fuzz regression: reparse: ParseError at enzyme_compat/ir/body_parser.py parse_instruction
; stage: reparse(15), releases 8 11 15
; error: ParseError: out15.ll:53:15: error: expected instruction opcode, found ','
; at: enzyme_compat/ir/body_parser.py:185 in parse_instruction
; found by: python tools/fuzz_parser.py --seed 1 at bea973a (input 9367, mutated from clang16/O0/lua54/ltable.ll#2)
%struct.TValue=type{%union.Value,i8}%union.Value=type{}%union.Node=type{}%struct.Table=type{i8,i8,i32,ptr,ptr,ptr,ptr,ptr}attributes#0={}declare  ptr@getgeneric(ptr,i32)declare  i32@arrayindex()define i32@findindex(ptr,ptr,ptr,i32){%5=alloca i32 alloca ptr,align 8%7=alloca ptr,align 8%8=alloca ptr,align 8alloca i32,align 4%10=alloca i32,align 4%11=alloca ptr load ptr,ptr%8getelementptr%struct.TValue,ptr%12,i32 0,i32 1%14=load i8,ptr%13,align 8%15=zext i8%14to i32 and i32%15,15%17=icmp eq i32%16,0br i1%17,label%18,label%19br label%70%20=load ptr,ptr%8,align 8%21=getelementptr%struct.TValue,ptr%20%22=load i8,ptr%21,align 8%23=zext i8%22to i32 icmp eq i32%23,3br i1%39,label%25,label%30%26=load ptr,ptr%8,align 8%27=getelementptr%struct.TValue,ptr%26,i32 0,i32 0%28=load i64,ptr%27,align 8%29=call i32@arrayindex(i64%28)br label%31br label%31%32= phi i32 [ %29, %25 ], [ 0, %30 ]
  %33 = load i32, ptr %10, align 4
  %34 = sub i32 %33, 1
  %35 = load i32, ptr %9, align 4
  %36 = icmp ult i32 %34, %35
  br i1 %36, label %37, label %39
   load i32, ptr %10, align 4
  br label %70load ptr, ptr %7, align 8
   load ptr, ptr %8, align 8call ptr @getgeneric(ptr %40, ptr%41, i32 1)
  %43 = load ptr, ptr %11, align 8
  %44 = getelementptr%struct.TValue, ptr %43, i32 0, i32 1
  %45 = load i8, ptr %44, align 8
  %46 = zext i8 %45 to i32
  %47 = icmp eq i32 %46, 32
  %48 = zext i1 %47 to i32
   icmp ne i32 %48, 0zext i1 %49 to i32
  %51 = sext i32 %50 to i64
  %52 = icmp ne i64 %51, 0
  br i1 %52, label %53, label %55
  %54 = load ptr, ptr %6, align 8
  unreachable
  %56 = load ptr, ptr %11, align 8
  %57 = load ptr, ptr %7, align 8
  %58 = getelementptr%struct.Table, ptr %57, i32 0, i32 7
  %59 = load ptr, ptr %58, align 8
  %60 = getelementptr %union.Node, ptr %59, i64 0
  %61 = ptrtoint ptr %56 to i64
   ptrtoint ptr %60 to i64
  %63 = sub i64 %61, %62sdiv i64 %63, 24trunc i64 %64 to i32
  %66 = load i32, ptr %10, align 4
  %67 = add i32 %66, 1load i32, ptr %9 add i32 %67, %68
  br label %70
  %71 = load i32, ptr %5, align 4
  ret i32 %71
}