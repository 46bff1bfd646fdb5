; fuzz regression: to_text: RecursionError at enzyme_compat/ir/printer.py type
; stage: to_text(10), releases 10 12 13
; error: RecursionError: maximum recursion depth exceeded
; at: enzyme_compat/ir/printer.py:50 in type
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 7138, mutated from clang13/O0/lua54/llex.ll#17)
%struct.lua_State = type { %struct.GCObject, %struct.CallInfo, void (%struct.lua_State*, %struct.lua_Debug*)*, i32, i32, i32 }
%struct.global_State = type { i8* (i8*, i8*, i64, i64)*, i8*, i64, i64*,%struct.GCObject*, %struct.GCObject*, %struct.GCObject*, %struct.GCObject*, %struct.GCObject, %struct.TString*, [25 x %struct.TString*],  [53 x [2 x %struct.TString*]], void (i8*, i8*, i32)*, i8* }
%struct.stringtable = type {i32 }
%struct.TValue = type { %union.Value, i8 }
%union.Value = type { %struct.GCObject* }
%struct.TString = type { %struct.GCObject*, i8, i32, %union.anon, [1 x i8] }
%union.anon = type { i64 }
%struct.Table = type {i32, %struct.TValue*, %union.Node, %struct.GCObject* }
%union.Node = type { %struct.NodeKey }
%struct.NodeKey = type { i32, %union.Value }
%struct.UpVal = type { %struct.GCObject*, %union.anon.6 }
%union.anon.5 = type { %struct.TValue* }
%union.anon.6 = type { %struct.anon.7 }
%struct.anon.7 = type { %struct.UpVal*, %struct.UpVal** }
%union.StkIdRel = type { %union.StackValue* }
%union.StackValue = type { %struct.TValue }
%struct.GCObject = type { }
%struct.lua_longjmp = type opaque
%struct.CallInfo = type { %union.anon.3, i16, i16 }
%union.anon.0 = type { %struct.anon.2 }
%struct.anon.2 = type { i32 (%struct.lua_State*, i32, i64)*, i64, i64 }
%union.anon.3 = type { i32 }
%struct.lua_Debug = type { i32, i8*, i8*, i8***********************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************, i32, i32 }
%struct.BlockCnt= type { i64, i8*, i8* (%struct.lua_State*, i8*, i64*)*, i8*, %struct.lua_State* }
%struct.Mbuffer = type {  %union.Value, i8, i8, i8, i16, %struct.TString* }
%struct.Labellist = type { %struct.Labeldesc*, i32, i32 }
%struct.Labeldesc = type { %struct.TString*, i32, i32, i8, i8 }